/**
 * The dashboard over HTTP (a real server on a free port) and in a real browser, on the hand-built
 * rounds of test/analytics/fixtures.ts imported through the store. One store for the whole file:
 * opening PGlite is the slow part.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as a from '../../src/analytics/index.ts';
import { startDashboard, createDashboardApp } from '../../src/web/server.ts';
import { importFile, type Store } from '../../src/store/index.ts';
import type { Queryable } from '../../src/analytics/db.ts';
import { BACKENDS, openWithFixtures } from '../analytics/backends.ts';
import { GUID, XSS_NAME_1, XSS_NAME_2 } from '../analytics/fixtures.ts';

const BOT_GUID = 'BOT:[BOT]Bot';
/** The one browser API the page evaluations use (the project's lib has no DOM types). */
interface BrowserGlobals {
  getComputedStyle(el: unknown): { backgroundColor: string; color: string };
}
const CHROMIUM = '/usr/bin/chromium';

const PAGES: [string, string[]][] = [
  ['/', ['Overview', 'engagements', '^2Alpha2'.slice(2), 'supply', 'goldrush']],
  ['/leaderboards', ['Leaderboards', 'K/D']],
  ['/leaderboards?metric=kills', ['Alpha2', 'Bravo']],
  ['/leaderboards?metric=solo_win_rate&min=1', ['Charlie', '100.0%']],
  ['/leaderboards?metric=escape_rate&min=1', ['66.7%', '2/3']],
  ['/leaderboards?metric=focus_survival&min=1', ['Alpha2']],
  ['/leaderboards?metric=crossfire&min=1', ['66.7%']],
  ['/leaderboards?metric=damage', ['255']],
  ['/leaderboards?metric=kd&min=0&bots=1', ['Alpha2']],
  ['/players', ['Players']],
  ['/players?q=alpha', ['Alpha2', `/player/${GUID.alpha}`]],
  [`/player/${GUID.alpha}`, ['<span class="c2">Alpha2</span>', '<span class="c1">Alpha</span>', 'MP40', 'Bravo', 'supply', '50.0%']],
  [`/player/${encodeURIComponent(BOT_GUID)}`, ['[BOT]Bot', 'bot']],
  ['/duos', ['Crossfire duos', 'Bravo', '200 ms', '500 ms']],
  ['/breakdown', ['2026-01-01', '2026-01-02', '1v1', '2v1', 'team_changed']],
  ['/breakdown?by=map', ['supply', 'goldrush']],
  ['/breakdown?by=date&map=&from=&to=', ['2026-01-01', '2026-01-02']],
  ['/breakdown?by=date&map=goldrush&from=2026-01-02&to=', ['2026-01-02', 'value="goldrush"']],
  ['/maps', ['supply', 'goldrush']],
  ['/maps/supply', ['<svg', 'Hottest kill zones', '1,2']],
  ['/maps/supply?layer=traversal', ['<svg', 'traversal 70']],
  ['/maps/goldrush?layer=escape', ['<svg']],
  ['/rounds', ['goldrush', 'Second', '<span class="c1">Test </span>']],
];

for (const backend of BACKENDS) {
  describe(`dashboard on ${backend.name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let server: { url: string; close(): Promise<void> };
    const get = (path: string, init?: RequestInit) => fetch(server.url + path, init);

    before(async () => {
      ({ store, close } = await openWithFixtures(backend));
      server = await startDashboard({ store, port: 0 });
    });
    after(async () => {
      await server?.close();
      await close?.();
    });

    test('binds to 127.0.0.1 by default and reports the real port', () => {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(server.url.endsWith(':0'), true);
    });

    test('a port already in use is an error, not a silent second server', async () => {
      const port = Number(new URL(server.url).port);
      await assert.rejects(startDashboard({ store, port }), /EADDRINUSE/);
    });

    test('every page renders with its key content and the security headers', async () => {
      for (const [path, needles] of PAGES) {
        const res = await get(path);
        const body = await res.text();
        assert.equal(res.status, 200, `${path}: ${body.slice(0, 300)}`);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/i, path);
        assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/, path);
        assert.doesNotMatch(res.headers.get('content-security-policy') ?? '', /unsafe-inline/, path);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
        assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
        assert.ok(body.startsWith('<!doctype html>'), path);
        assert.doesNotMatch(body, /<script/i, `${path} has no script at all`);
        assert.doesNotMatch(body, /\sstyle=/i, `${path} has no style attributes (the CSP forbids them)`);
        for (const needle of needles) assert.ok(body.includes(needle), `${path} should contain ${needle}`);
      }
    });

    test('the JSON API mirrors the analytics functions', async () => {
      const api: [string, unknown][] = [
        ['/api/overview', await a.overview(store)],
        ['/api/leaderboard?metric=kills', await a.leaderboard(store, { metric: 'kills' })],
        ['/api/leaderboard?metric=escape_rate&min=1&limit=2', await a.leaderboard(store, { metric: 'escape_rate', minSample: 1, limit: 2 })],
        ['/api/leaderboard', await a.leaderboard(store, { metric: 'kd' })],
        ['/api/players?q=alpha', await a.findPlayers(store, { query: 'alpha' })],
        [`/api/players/${GUID.alpha}`, await a.playerProfile(store, { guid: GUID.alpha })],
        [`/api/players/${GUID.alpha}/duos`, await a.duoPartners(store, { guid: GUID.alpha })],
        ['/api/duos', await a.crossfireDuos(store)],
        ['/api/breakdown?by=map', await a.engagementBreakdown(store, { by: 'map' })],
        ['/api/breakdown?from=2026-01-02', await a.engagementBreakdown(store, { from: '2026-01-02' })],
        ['/api/maps', await a.maps(store)],
        ['/api/maps/supply/heatmap', await a.heatmap(store, { map: 'supply' })],
        ['/api/maps/supply/zones?limit=1', await a.hottestZones(store, { map: 'supply', limit: 1 })],
        ['/api/rounds?limit=2', await a.recentRounds(store, { limit: 2 })],
      ];
      for (const [path, expected] of api) {
        const res = await get(path);
        assert.equal(res.status, 200, path);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/, path);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
        assert.deepEqual(await res.json(), JSON.parse(JSON.stringify(expected)), path);
      }
      const index = (await (await get('/api')).json()) as { endpoints: string[] };
      assert.ok(Array.isArray(index.endpoints) && index.endpoints.length >= 10);
    });

    test('unknown things are 404, invalid parameters 400, HTML or JSON by path', async () => {
      const cases: [string, number, RegExp][] = [
        ['/player/nobody', 404, /text\/html/],
        ['/api/players/nobody', 404, /application\/json/],
        ['/maps/nowhere', 404, /text\/html/],
        ['/no/such/page', 404, /text\/html/],
        ['/api/nothing', 404, /application\/json/],
        ['/leaderboards?metric=bogus', 400, /text\/html/],
        ['/api/leaderboard?limit=0', 400, /application\/json/],
        ['/api/leaderboard?limit=abc', 400, /application\/json/],
        ['/api/breakdown?from=2026-02-30', 400, /application\/json/],
        ['/api/breakdown?by=server', 400, /application\/json/],
        ['/maps/supply?layer=nope', 400, /text\/html/],
        [`/api/players?q=${'x'.repeat(65)}`, 400, /application\/json/],
        ['/api/players/%00', 400, /application\/json/],
      ];
      for (const [path, status, type] of cases) {
        const res = await get(path);
        const body = await res.text();
        assert.equal(res.status, status, `${path}: ${body.slice(0, 200)}`);
        assert.match(res.headers.get('content-type') ?? '', type, path);
        assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      }
    });

    test('read-only: every method but GET and HEAD is 405, and nothing is written', async () => {
      const before = await a.overview(store);
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        for (const path of ['/', '/api/overview', `/player/${GUID.alpha}`, '/no/such/page']) {
          const res = await get(path, { method, body: method === 'POST' || method === 'PUT' ? 'x=1' : undefined });
          assert.equal(res.status, 405, `${method} ${path}`);
          assert.equal(res.headers.get('allow'), 'GET, HEAD', `${method} ${path}`);
          await res.arrayBuffer();
        }
      }
      const head = await get('/', { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal((await head.text()).length, 0);
      assert.deepEqual(await a.overview(store), before);
    });

    test('every request runs its queries in a read-only transaction', async () => {
      const log: string[][] = [];
      const spy = {
        kind: store.kind,
        query: store.query.bind(store),
        transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
          const statements: string[] = [];
          log.push(statements);
          return store.transaction((tx) =>
            fn({ query: (sql: string, params?: unknown[]) => (statements.push(sql.trim()), tx.query(sql, params)) } as Queryable),
          );
        },
      };
      const app = createDashboardApp(spy);
      for (const path of ['/', `/player/${GUID.alpha}`, '/maps/supply', '/api/leaderboard?metric=escape_rate']) {
        assert.equal((await app.request(path)).status, 200, path);
      }
      assert.ok(log.length >= 4);
      for (const statements of log) {
        assert.equal(statements[0], 'SET TRANSACTION READ ONLY');
        assert.ok(statements.length > 1);
      }
      // and the transaction really refuses writes
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query('SET TRANSACTION READ ONLY');
          await tx.query(`UPDATE player SET last_name = 'x'`);
        }),
        /read-only/,
      );
    });

    test('hostile names are escaped everywhere they appear', async () => {
      const pages = [
        '/',
        '/leaderboards?metric=kills',
        '/leaderboards?metric=solo_win_rate&min=1',
        '/leaderboards?metric=kd&min=0',
        '/players?q=script',
        '/players?q=onerror',
        `/player/${GUID.xss1}`,
        `/player/${GUID.xss2}`,
        `/player/${GUID.bravo}`,
        '/rounds',
      ];
      const escaped1 = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';
      const escaped2 = '<span class="c1">&lt;img src=x onerror=alert(1)&gt;</span>';
      let seen1 = 0;
      let seen2 = 0;
      for (const path of pages) {
        const body = await (await get(path)).text();
        assert.ok(!body.includes(XSS_NAME_1), `${path} contains the raw name`);
        assert.ok(!body.includes('<script>'), path);
        assert.ok(!body.includes('<img'), path);
        assert.ok(!body.includes(XSS_NAME_2.slice(2)), path);
        if (body.includes(escaped1)) seen1++;
        if (body.includes(escaped2)) seen2++;
      }
      assert.ok(seen1 >= 5, `the first name is shown escaped on many pages (${seen1})`);
      assert.ok(seen2 >= 2, `the second name is shown escaped (${seen2})`);
      // the search box reflects the query escaped inside its value attribute
      const reflected = await (await get(`/players?q=${encodeURIComponent(`"><script>x</script>`)}`)).text();
      assert.ok(reflected.includes('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"'));
      assert.ok(!reflected.includes('<script>'));
      // a hostile GUID or map in the path is escaped in the error page and never reaches SQL as text
      const weird = await get(`/maps/${encodeURIComponent(`<b>'x`)}`);
      assert.equal(weird.status, 404);
      assert.ok(!(await weird.text()).includes('<b>'));
    });

    test('browser: overview → player → heatmap, no console errors, screenshot', async (t) => {
      if (backend !== BACKENDS[0]) {
        t.skip('the browser test runs once, on the first backend');
        return;
      }
      if (!existsSync(CHROMIUM)) {
        t.skip(`${CHROMIUM} does not exist: browser test skipped`);
        return;
      }
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
        page.on('dialog', (d) => {
          problems.push(`dialog: ${d.message()}`);
          void d.dismiss();
        });

        await page.goto(server.url + '/');
        assert.equal(await page.locator('h1').first().textContent(), 'Overview');
        assert.match((await page.locator('.cards').textContent()) ?? '', /11\s*engagements/);
        // the inline stylesheet is applied (allowed by its CSP hash): the header is dark
        const bg = await page.locator('header').evaluate((el) => (globalThis as unknown as BrowserGlobals).getComputedStyle(el).backgroundColor);
        assert.equal(bg, 'rgb(13, 16, 20)');

        // navigate by clicking: overview → player (top killer)
        await page.locator(`a[href="/player/${GUID.alpha}"]`).first().click();
        await page.waitForURL(`**/player/${GUID.alpha}`);
        assert.equal((await page.locator('h1').textContent())?.trim(), 'Alpha2');
        const colour = await page.locator('h1 span.c2').evaluate((el) => (globalThis as unknown as BrowserGlobals).getComputedStyle(el).color);
        assert.equal(colour, 'rgb(0, 255, 0)');
        const dir = await mkdtemp(join(tmpdir(), 'proximity-web-'));
        await page.screenshot({ path: join(dir, 'player.png'), fullPage: true });

        // player → map → movement layer
        await page.locator('a[href="/maps/supply"]').first().click();
        await page.waitForURL('**/maps/supply');
        assert.equal(await page.locator('svg[aria-label="heatmap kills"] rect').count(), 3);
        await page.locator('a[href="/maps/supply?layer=traversal"]').click();
        await page.waitForURL('**/maps/supply?layer=traversal');
        assert.match((await page.locator('svg').first().innerHTML()) ?? '', /traversal 70/);
        await page.screenshot({ path: join(dir, 'heatmap.png'), fullPage: true });

        // the hostile names render as text, and no dialog ever opened
        await page.goto(server.url + `/player/${GUID.xss1}`);
        assert.equal((await page.locator('h1').textContent())?.trim(), XSS_NAME_1);
        await page.goto(server.url + `/player/${GUID.xss2}`);
        assert.equal((await page.locator('h1').textContent())?.trim(), XSS_NAME_2.slice(2));
        assert.equal(await page.locator('img').count(), 0);
        await page.goto(server.url + '/');
        await page.screenshot({ path: join(dir, 'overview.png'), fullPage: true });
        t.diagnostic(`screenshots in ${dir}`);
        assert.deepEqual(problems, []);
      } finally {
        await browser.close();
      }
    });

    // Last: adds the shared test vectors and the legacy fixtures (hostile map/server names, v2/v3
    // files whose fields are null) to the store, then renders every page and API route for every
    // map and every player.
    test('shared vectors and legacy files: every page for every map and player renders safely', async () => {
      const dirs = ['test/vectors', 'test/fixtures/legacy'];
      let imported = 0;
      for (const dir of dirs) {
        const names = existsSync(dir) ? (await readdir(dir)).filter((n) => n.endsWith('.txt')).sort() : [];
        for (const name of names) {
          const outcome = await importFile(store, join(dir, name), { serverId: 'vectors' });
          if (outcome.status === 'imported') imported++;
        }
      }
      assert.ok(imported >= 3, `imported ${imported} vector/legacy files`);
      const mapList = await a.maps(store);
      const players = await store.query<{ player_guid: string }>('SELECT player_guid FROM player ORDER BY player_guid');
      const paths = [
        '/', '/rounds', '/duos', '/breakdown', '/breakdown?by=map', '/maps', '/players?q=a',
        ...a.LEADERBOARD_METRICS.map((m) => `/leaderboards?metric=${m}&min=0&bots=1`),
        ...mapList.flatMap((m) => [`/maps/${encodeURIComponent(m.map)}`, `/maps/${encodeURIComponent(m.map)}?layer=traversal`,
          `/api/maps/${encodeURIComponent(m.map)}/heatmap`, `/rounds?map=${encodeURIComponent(m.map)}`, `/breakdown?map=${encodeURIComponent(m.map)}`]),
        ...players.map((p) => `/player/${encodeURIComponent(p.player_guid)}`),
        ...players.map((p) => `/api/players/${encodeURIComponent(p.player_guid)}`),
      ];
      for (const path of paths) {
        const res = await get(path);
        const body = await res.text();
        assert.equal(res.status, 200, `${path}: ${body.slice(0, 200)}`);
        if (!path.startsWith('/api/')) {
          assert.doesNotMatch(body, /<script|<img/i, path); // escaped text like "onerror=" is harmless
        }
      }
      assert.ok(mapList.length >= 3, 'the vectors add maps');
    });
  });
}
