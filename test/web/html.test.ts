import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, escapeHtml, etName, stripColours, trusted } from '../../src/web/html.ts';
import { heatmapSvg, barChart } from '../../src/web/charts.ts';

test('escapeHtml escapes every character that can break out of text or a quoted attribute', () => {
  assert.equal(escapeHtml(`<script>alert(1)</script>"'&\``), '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&#96;');
});

test('html escapes interpolations, nested arrays, and keeps SafeHtml as is', () => {
  const name = '<b>"x"</b>';
  const out = html`<p title="${name}">${name}${[name, html`<i>${name}</i>`]}${trusted('<br>')}${null}${undefined}${false}${0}</p>`;
  assert.equal(
    out.value,
    '<p title="&lt;b&gt;&quot;x&quot;&lt;/b&gt;">&lt;b&gt;&quot;x&quot;&lt;/b&gt;&lt;b&gt;&quot;x&quot;&lt;/b&gt;<i>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</i><br>0</p>',
  );
});

test('etName renders colour codes as spans and escapes each run', () => {
  assert.equal(etName('^1Red^7White').value, '<span class="c1">Red</span><span class="c7">White</span>');
  assert.equal(etName('plain').value, 'plain');
  // ^^ is a literal caret; a colour code can follow it
  assert.equal(etName('a^^1b').value, 'a^<span class="c1">b</span>');
  // letters map through (c - '0') & 31 like the engine: 'A' = 65 - 48 = 17
  assert.equal(etName('^Ax').value, '<span class="c17">x</span>');
  assert.equal(etName('^1<img src=x onerror=alert(1)>').value, '<span class="c1">&lt;img src=x onerror=alert(1)&gt;</span>');
  // a trailing caret is text; a name made only of codes shows a placeholder
  assert.equal(etName('x^').value, 'x^');
  assert.match(etName('^1^2').value, /no name/);
  // the colour char itself may be '<': it is consumed as a code, never emitted raw
  assert.equal(etName('^<script>').value, '<span class="c12">script&gt;</span>');
});

test('stripColours removes codes by the same rule', () => {
  assert.equal(stripColours('^1Bob^7!'), 'Bob!');
  assert.equal(stripColours('a^^1b'), 'a^b');
  assert.equal(stripColours('^'), '^');
});

test('heatmapSvg flips rows so north is up and colours only cells with data', () => {
  const svg = heatmapSvg(
    [
      { gx: 0, gy: 0, axisKills: 4, alliesKills: 0, traversal: 0, combat: 0, escape: 0 },
      { gx: 1, gy: 1, axisKills: 0, alliesKills: 0, traversal: 9, combat: 0, escape: 0 },
    ],
    'kills',
    100,
  ).value;
  // two cells of 48 px (capped), the cell (0,0) in the bottom row, (1,1) in the top row
  assert.match(svg, /<rect x="0" y="48" width="47" height="47" fill="rgb\(255,80,40\)">/);
  assert.match(svg, /<rect x="48" y="0" width="47" height="47" fill="#1a2028">/);
  assert.match(heatmapSvg([], 'kills').value, /no heatmap data/);
});

test('barChart escapes labels', () => {
  const svg = barChart([{ label: '<x>', value: 3 }]).value;
  assert.ok(svg.includes('&lt;x&gt;'));
  assert.ok(!svg.includes('<x>'));
});
