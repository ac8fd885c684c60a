// Each class of malformed input is rejected with the exact line and field, and the message
// `<file>:<line>: <field>: <what is wrong>`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRoundFile, RoundFileError } from '../../src/format/reader.ts';

const MINIMAL = readFileSync(join(import.meta.dirname, '..', 'vectors', 'hand-minimal.txt'), 'latin1');
const lines = (): string[] => MINIMAL.split('\n').slice(0, -1);
// line numbers in hand-minimal.txt
const ENG = 14;
const PLAYER1 = 16;
const END = 22;

function fieldsOf(lineNo: number): string[] {
  return lines()[lineNo - 1]!.split(';');
}
function withLine(lineNo: number, text: string): string {
  const l = lines();
  l[lineNo - 1] = text;
  return l.join('\n') + '\n';
}
function withField(lineNo: number, index: number, value: string): string {
  const f = fieldsOf(lineNo);
  f[index] = value;
  return withLine(lineNo, f.join(';'));
}
function rejects(content: string | Uint8Array, expected: { kind?: string; line: number | null; field: string | null; detail?: RegExp }): RoundFileError {
  try {
    parseRoundFile(content, 'round.txt');
  } catch (e) {
    assert.ok(e instanceof RoundFileError, `expected RoundFileError, got ${String(e)}`);
    assert.equal(e.kind, expected.kind ?? 'malformed', e.message);
    assert.equal(e.line, expected.line, e.message);
    assert.equal(e.field, expected.field, e.message);
    assert.equal(e.file, 'round.txt');
    assert.equal(e.message, `round.txt:${e.line ?? '-'}: ${e.field ?? '-'}: ${e.detail}`);
    if (expected.detail) assert.match(e.detail, expected.detail);
    return e;
  }
  assert.fail('parsed a malformed file');
}

test('the minimal vector itself parses', () => {
  assert.equal(parseRoundFile(MINIMAL, 'round.txt').engagements.length, 1);
});

test('torn files: no # END, truncated mid-line, empty, header only', () => {
  const noEnd = lines().slice(0, -1).join('\n') + '\n';
  rejects(noEnd, { kind: 'torn', line: END - 1, field: 'END', detail: /torn/ });
  rejects(MINIMAL.slice(0, MINIMAL.length - 10), { kind: 'torn', line: END, field: 'END' });
  rejects(MINIMAL.slice(0, MINIMAL.indexOf('# PLAYERS') + 4), { kind: 'torn', line: 15, field: 'END' });
  rejects('', { kind: 'torn', line: null, field: 'END' });
  rejects('# PROXIMITY_ROUND v1\n', { kind: 'torn', line: 1, field: 'END' });
  rejects('# PROXIMITY_RO', { kind: 'torn', line: 1, field: 'END' });
});

test('unknown major version is unsupported; other files are not round files', () => {
  rejects(MINIMAL.replace('# PROXIMITY_ROUND v1', '# PROXIMITY_ROUND v2'), { kind: 'unsupported', line: 1, field: 'version' });
  rejects('# PROXIMITY_TRACKER_V4\n# ENGAGEMENTS\n', { kind: 'unsupported', line: 1, field: 'version' });
  rejects('hello\n', { kind: 'malformed', line: 1, field: 'version' });
});

test('field counts: missing fields name the line; extra trailing fields are ignored', () => {
  rejects(withLine(ENG, fieldsOf(ENG).slice(0, 24).join(';')), { line: ENG, field: 'engagement', detail: /expected 25 fields, got 24/ });
  rejects(withLine(PLAYER1, fieldsOf(PLAYER1).slice(0, 8).join(';')), { line: PLAYER1, field: 'player' });
  rejects(withLine(19, '0;0;1'), { line: 19, field: 'kill_cell' });
  rejects(withLine(21, '0;0;40;3'), { line: 21, field: 'movement_cell' });
  const extra = parseRoundFile(withLine(ENG, lines()[ENG - 1] + ';new;fields'), 'round.txt');
  assert.equal(extra.engagements[0]!.outcome, 'killed');
});

test('integers: letters, decimals, empty, out of range, negative counts', () => {
  rejects(withField(ENG, 1, 'abc'), { line: ENG, field: 'start_ms', detail: /not an integer: "abc"/ });
  rejects(withField(ENG, 1, '1.5'), { line: ENG, field: 'start_ms' });
  rejects(withField(ENG, 1, ''), { line: ENG, field: 'start_ms', detail: /empty/ });
  rejects(withField(ENG, 1, '-'), { line: ENG, field: 'start_ms' });
  rejects(withField(ENG, 1, '+5'), { line: ENG, field: 'start_ms' });
  rejects(withField(ENG, 9, '-1'), { line: ENG, field: 'damage', detail: /below the minimum 0/ });
  rejects(withField(ENG, 0, '0'), { line: ENG, field: 'id' });
  rejects(withField(ENG, 0, '9999999999999999'), { line: ENG, field: 'id', detail: /out of range/ });
  rejects(withField(PLAYER1, 1, '64'), { line: PLAYER1, field: 'slot' });
  // values beyond the store's column types are garbage, reported here rather than by the database
  rejects(withField(ENG, 9, '2147483648'), { line: ENG, field: 'damage', detail: /out of range/ });
  rejects(withField(ENG, 7, '40000'), { line: ENG, field: 'end_mod' });
  rejects(withField(ENG, 16, '40000'), { line: ENG, field: 'kill_weapon' });
  rejects(withField(ENG, 3, '32768'), { line: ENG, field: 'target' });
  rejects(withField(ENG, 15, '1000,1000001,20,0,start'), { line: ENG, field: 'path[1].x' });
  rejects(withField(ENG, 14, '1,AXIS,54,3,1000,1500,1,40000:3'), { line: ENG, field: 'attackers[1].weapons' });
  rejects(withField(ENG, 17, '0,-1000001,0'), { line: ENG, field: 'killer_pos' });
  rejects(withField(PLAYER1, 4, '2'), { line: PLAYER1, field: 'is_bot' });
});

test('enums: outcome, team, class, path event, end reason', () => {
  rejects(withField(ENG, 6, 'exploded'), { line: ENG, field: 'outcome' });
  rejects(withField(ENG, 4, 'RED'), { line: ENG, field: 'target_team' });
  rejects(withField(ENG, 5, 'SNIPER'), { line: ENG, field: 'target_class' });
  rejects(withField(ENG, 15, '1000,10,20,0,start|1250,12,20,0,teleport'), { line: ENG, field: 'path[2].event' });
  rejects(withField(ENG, 14, '1,RED,54,3,1000,1500,1,8:3'), { line: ENG, field: 'attackers[1].team' });
  rejects(withLine(END, lines()[END - 1]!.replace('intermission', 'crash')), { line: END, field: 'end_reason' });
});

test('nested items: attackers, weapons, pairs, path, positions', () => {
  rejects(withField(ENG, 14, '1,AXIS,54,3,1000'), { line: ENG, field: 'attackers[1]' });
  rejects(withField(ENG, 14, '1,AXIS,54,3,1500,1000,1,8:3'), { line: ENG, field: 'attackers[1].last_ms' });
  rejects(withField(ENG, 14, '1,AXIS,54,3,1000,1500,1,8-3'), { line: ENG, field: 'attackers[1].weapons' });
  rejects(withField(ENG, 14, '1,AXIS,54,3,1000,1500,1,8:3|1,AXIS,1,1,1000,1000,0,'), { line: ENG, field: 'attackers[2].pid' });
  rejects(withField(ENG, 15, '1000,10,20,start'), { line: ENG, field: 'path[1]' });
  rejects(withField(ENG, 17, '1,2'), { line: ENG, field: 'killer_pos' });
  // an empty position is allowed (the tracker drops garbage coordinates)
  assert.equal(parseRoundFile(withField(ENG, 17, ''), 'round.txt').engagements[0]!.kill!.killerPos, null);
});

test('pid references: every referenced pid needs a player line, reported where it is used', () => {
  rejects(withField(ENG, 3, '9'), { line: ENG, field: 'target', detail: /pid 9 has no player line/ });
  rejects(withField(ENG, 8, '7'), { line: ENG, field: 'killer' });
  rejects(withField(ENG, 14, '3,AXIS,54,3,1000,1500,1,8:3'), { line: ENG, field: 'attackers[1].pid' });
  const f = fieldsOf(ENG);
  f[20] = '5';
  f[24] = '2v1';
  rejects(withLine(ENG, f.join(';')), { line: ENG, field: 'killer_allies' });
  f[20] = '';
  f[24] = '1v1';
  f[13] = '1/7/0';
  f[11] = '1';
  f[12] = '0';
  rejects(withLine(ENG, f.join(';')), { line: ENG, field: 'crossfire_pairs[1]' });
});

test('duplicate ids: engagement ids, pids, heatmap cells, header keys', () => {
  const l = lines();
  l.splice(ENG, 0, l[ENG - 1]!);
  const dupEng = l.join('\n').replace('engagements=1', 'engagements=2') + '\n';
  rejects(dupEng, { line: ENG + 1, field: 'id', detail: /duplicate engagement id 1/ });
  rejects(withField(PLAYER1 + 1, 0, '1'), { line: PLAYER1 + 1, field: 'pid', detail: /duplicate pid/ });
  const dupCell = MINIMAL.replace('0;0;40;3;0\n', '0;0;40;3;0\n0;0;1;1;1\n').replace('movement_cells=1', 'movement_cells=2');
  rejects(dupCell, { line: 22, field: 'grid_x', detail: /duplicate cell/ });
  rejects(MINIMAL.replace('# round=1\n', '# round=1\n# round=2\n'), { line: 7, field: 'round', detail: /duplicate header key/ });
});

test('header: missing keys, bad values, unknown keys ignored', () => {
  rejects(MINIMAL.replace('# gametype=4\n', ''), { line: 12, field: 'gametype', detail: /missing header key/ });
  rejects(MINIMAL.replace('# round=1', '# round=3'), { line: 13, field: 'round' });
  rejects(MINIMAL.replace(/# config=[^\n]*/, '# config=heatmaps:x'), { line: 13, field: 'config.heatmaps' });
  rejects(MINIMAL.replace('# map=oasis', '# map=oa%zsis'), { line: 13, field: 'map' });
  const unknown = parseRoundFile(MINIMAL.replace('# round=1\n', '# round=1\n# brand_new_key=1;2|3\n'), 'round.txt');
  assert.equal(unknown.header.round, 1);
});

test('sections: order, presence vs the sections header', () => {
  const noHeatmaps = MINIMAL.replace('engagements,players,kill_heatmap,movement_heatmap', 'engagements,players');
  rejects(noHeatmaps, { line: 18, field: 'sections', detail: /kill_heatmap is present but not listed/ });
  const missing = MINIMAL.replace('# MOVEMENT_HEATMAP\n0;0;40;3;0\n', '').replace('movement_cells=1', 'movement_cells=0');
  rejects(missing, { line: 20, field: 'sections', detail: /movement_heatmap is listed in the header but missing/ });
  const l = lines();
  // PLAYERS block (lines 15–17) moved before ENGAGEMENTS (lines 13–14)
  const swapped = [...l.slice(0, 12), ...l.slice(14, 17), ...l.slice(12, 14), ...l.slice(17)].join('\n') + '\n';
  rejects(swapped, { line: 16, field: 'sections', detail: /section engagements after players/ });
  rejects(MINIMAL.replace('# sections=engagements,', '# sections='), { line: 13, field: 'sections', detail: /engagements must always be captured/ });
  rejects(MINIMAL.replace('movement_heatmap\n', 'movement_heatmap,bonus\n'), { line: 13, field: 'sections', detail: /unknown section/ });
  rejects(withLine(15, '# PLAYERZ'), { line: 15, field: null, detail: /unexpected line/ });
  rejects(MINIMAL.replace('# ENGAGEMENTS\n', '1;2\n# ENGAGEMENTS\n'), { line: 13, field: null, detail: /data line before the first section/ });
});

test('# END: counts must match, keys must be present, nothing may follow', () => {
  rejects(MINIMAL.replace('engagements=1', 'engagements=2'), { line: END, field: 'engagements', detail: /# END says 2 lines, the section has 1/ });
  rejects(MINIMAL.replace('players=2', 'players=3'), { line: END, field: 'players' });
  rejects(MINIMAL.replace('kill_cells=1', 'kill_cells=0'), { line: END, field: 'kill_cells' });
  rejects(MINIMAL.replace(' paused_ms=0', ''), { line: END, field: 'paused_ms', detail: /missing # END key/ });
  rejects(MINIMAL.replace('round_end_unix=1763900600', 'round_end_unix=1763800000'), { line: END, field: 'round_end_unix' });
  rejects(MINIMAL + '0;0;1;1\n', { line: END + 1, field: null, detail: /after # END/ });
  rejects(MINIMAL + '\n', { line: END + 1, field: null, detail: /empty line/ });
  rejects(MINIMAL + 'x', { line: END + 1, field: null, detail: /after # END/ });
});

test('percent-encoding: bad escapes, %00 and raw bytes are errors naming the field', () => {
  rejects(withField(PLAYER1, 3, 'Bob%4'), { line: PLAYER1, field: 'name', detail: /not followed by two hex digits/ });
  rejects(withField(PLAYER1, 3, 'Bob%ZZ'), { line: PLAYER1, field: 'name' });
  rejects(withField(PLAYER1, 3, 'Bob%00'), { line: PLAYER1, field: 'name', detail: /%00/ });
  rejects(withField(PLAYER1, 2, 'a%'), { line: PLAYER1, field: 'guid' });
  rejects(Buffer.from(withField(PLAYER1, 3, 'Ren\u00e9'), 'latin1'), { line: PLAYER1, field: 'name', detail: /raw byte 0xe9/ });
  rejects(withField(PLAYER1, 3, 'tab\there'), { line: PLAYER1, field: 'name', detail: /raw byte 0x09/ });
  rejects(MINIMAL.replace(/\n/g, '\r\n'), { line: 1, field: null, detail: /raw byte 0x0d/ });
  rejects(Buffer.from(MINIMAL.replace('^1Test Server', '^1T\u00e9st'), 'latin1'), { line: 4, field: 'server_name', detail: /raw byte 0xe9 at column 18/ });
  rejects(MINIMAL.replace('# round=1\n', '# unknown=\x01\n# round=1\n'), { line: 6, field: 'unknown', detail: /raw byte 0x01/ });
});

test('cross-field rules: start ≤ end, outcome-specific fields, crossfire, engagement type', () => {
  rejects(withField(ENG, 2, '900'), { line: ENG, field: 'end_ms', detail: /before start_ms/ });
  rejects(withField(ENG, 7, ''), { line: ENG, field: 'end_mod' });
  rejects(withField(ENG, 8, ''), { line: ENG, field: 'killer' });
  const escaped = fieldsOf(ENG);
  escaped[6] = 'escaped';
  rejects(withLine(ENG, escaped.join(';')), { line: ENG, field: 'end_mod', detail: /must be empty for outcome escaped/ });
  escaped[7] = '';
  escaped[8] = '';
  rejects(withLine(ENG, escaped.join(';')), { line: ENG, field: 'kill_weapon' });
  rejects(withField(ENG, 24, '2v1'), { line: ENG, field: 'engagement_type', detail: /does not match/ });
  rejects(withField(ENG, 11, '1'), { line: ENG, field: 'crossfire_delay_ms' });
  const cf = fieldsOf(ENG);
  cf[11] = '1';
  cf[12] = '5';
  cf[13] = '1/2/7';
  rejects(withLine(ENG, cf.join(';')), { line: ENG, field: 'crossfire_delay_ms', detail: /smallest pair delay \(7\)/ });
  cf[13] = '2/1/5';
  rejects(withLine(ENG, cf.join(';')), { line: ENG, field: 'crossfire_pairs[1]', detail: /pidA < pidB/ });
  cf[11] = '0';
  cf[12] = '';
  cf[13] = '1/2/5';
  rejects(withLine(ENG, cf.join(';')), { line: ENG, field: 'crossfire_pairs' });
  rejects(withField(PLAYER1, 8, '-5'), { line: PLAYER1, field: 'last_seen_ms' });
});
