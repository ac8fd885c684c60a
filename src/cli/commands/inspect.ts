/**
 * `proximity inspect FILE [--json]`: validate one round file and print it. A bad file gets one clear
 * error naming file, line and field (exit 1); a file that cannot be read at all is exit 2.
 * With --json the parsed RoundFile (src/format/types.ts) is printed as is, or `{ valid: false, error }`.
 */
import { readRoundFile, RoundFileError } from '../../format/reader.ts';
import type { Engagement, Player, RoundFile } from '../../format/types.ts';
import { EXIT_DATA, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { formatDuration, playerName, safeText, table } from '../terminal.ts';

export async function runInspect(output: Output, file: string, opts: { json?: boolean }): Promise<number> {
  let round: RoundFile;
  try {
    round = await readRoundFile(file);
  } catch (error) {
    if (!(error instanceof RoundFileError)) throw error;
    const status = error.kind === 'io' ? EXIT_USAGE : EXIT_DATA;
    if (opts.json) {
      const { kind, file: f, line, field, detail, message } = error;
      output.out(JSON.stringify({ valid: false, error: { kind, file: f, line, field, detail, message } }, null, 2));
    } else {
      output.err(output.ce.red(`${safeText(error.file)}: ${describeKind(error.kind)}`));
      if (error.line !== null) output.err(`  line:  ${error.line}`);
      if (error.field !== null) output.err(`  field: ${safeText(error.field)}`);
      output.err(`  error: ${safeText(error.detail)}`);
    }
    return status;
  }
  if (opts.json) {
    output.out(JSON.stringify(round, null, 2));
    return EXIT_OK;
  }
  printRound(output, file, round);
  return EXIT_OK;
}

function describeKind(kind: RoundFileError['kind']): string {
  switch (kind) {
    case 'torn':
      return 'incomplete round file (no valid end marker: still being written, or the server stopped mid-round)';
    case 'unsupported':
      return 'not a supported round file';
    case 'io':
      return 'cannot read the file';
    default:
      return 'invalid round file';
  }
}

function fmtTime(unix: number | null): string {
  return unix === null ? '-' : new Date(unix * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function printRound(output: Output, file: string, round: RoundFile): void {
  const { c } = output;
  const h = round.header;
  output.out(`${c.green('valid')} ${safeText(file)}`);
  output.out(`  format       ${h.source}${h.trackerVersion ? ` (tracker ${safeText(h.trackerVersion)})` : ''}`);
  output.out(`  server       ${safeText(h.serverId ?? '-')}${h.serverName ? ` "${playerName(h.serverName)}"` : ''}`);
  output.out(`  map, round   ${safeText(h.map)}, round ${h.round}${h.gametype !== null ? ` (gametype ${h.gametype})` : ''}`);
  output.out(`  started      ${fmtTime(h.roundStartUnix ?? h.fileTimestampUnix)}`);
  output.out(
    `  duration     ${h.durationMs === null ? '-' : formatDuration(h.durationMs)}` +
      (h.pausedMs ? ` (paused ${formatDuration(h.pausedMs)})` : '') +
      (h.endReason ? `, ended by ${h.endReason}` : ''),
  );
  output.out(`  sections     ${h.sections.join(', ') || '-'}`);
  const config = Object.entries(h.config);
  if (config.length) output.out(`  config       ${config.map(([k, v]) => `${safeText(k)}=${v}`).join(' ')}`);
  output.out(
    `  counts       ${round.players.length} players, ${round.engagements.length} engagements, ` +
      `${round.killHeatmap?.length ?? '-'} kill cells, ${round.movementHeatmap?.length ?? '-'} movement cells`,
  );

  const outcomes = new Map<string, number>();
  for (const e of round.engagements) outcomes.set(e.outcome, (outcomes.get(e.outcome) ?? 0) + 1);
  if (outcomes.size) {
    const crossfires = round.engagements.filter((e) => e.crossfire).length;
    output.out(
      `  outcomes     ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; crossfire ${crossfires}`,
    );
  }

  output.out();
  output.out(c.bold('Players'));
  output.out(
    table<Player>(
      round.players,
      [
        { header: 'pid', value: (p) => p.pid },
        { header: 'slot', value: (p) => p.slot ?? '' },
        { header: 'name', value: (p) => playerName(p.name), max: 28 },
        { header: 'guid', value: (p) => safeText(p.guid), max: 32 },
        { header: 'team', value: (p) => p.team },
        { header: 'class', value: (p) => p.playerClass ?? '' },
        { header: 'bot', value: (p) => (p.isBot ? 'bot' : '') },
      ],
      c,
    ),
  );

  const names = new Map(round.players.map((p) => [p.pid, playerName(p.name)]));
  output.out();
  output.out(c.bold('Engagements') + c.dim(' (in order of closing)'));
  output.out(
    table<Engagement>(
      round.engagements,
      [
        { header: 'id', value: (e) => e.id },
        { header: 'start', value: (e) => seconds(e.startMs), align: 'right' },
        { header: 'end', value: (e) => seconds(e.endMs), align: 'right' },
        { header: 'target', value: (e) => names.get(e.target) ?? `#${e.target}`, max: 20 },
        { header: 'outcome', value: (e) => e.outcome },
        { header: 'killer', value: (e) => (e.killer === null ? '' : names.get(e.killer) ?? `#${e.killer}`), max: 20 },
        { header: 'dmg', value: (e) => e.damage },
        { header: 'hits', value: (e) => e.hits },
        { header: 'attackers', value: (e) => e.attackers.length },
        { header: 'crossfire', value: (e) => (e.crossfire ? `${e.crossfireDelayMs} ms` : ''), align: 'right' },
        { header: 'type', value: (e) => e.kill?.engagementType ?? '' },
      ],
      c,
    ),
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
