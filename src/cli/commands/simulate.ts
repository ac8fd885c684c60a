/** `proximity simulate`: round files from the real tracker in the emulated server (src/simulator). */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { simulateSession, type SimulationOptions } from '../../simulator/index.ts';
import { EXIT_OK } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { formatDuration, safeText } from '../terminal.ts';

export interface SimulateCommandOptions {
  out: string;
  rounds: number;
  seed: number;
  maps?: string[];
  players?: number;
  roundSeconds?: number;
  serverId?: string;
}

export async function runSimulate(output: Output, opts: SimulateCommandOptions): Promise<number> {
  const outDir = resolve(opts.out);
  await mkdir(outDir, { recursive: true });
  const started = Date.now();
  const sim: SimulationOptions = {
    seed: opts.seed,
    outDir,
    rounds: opts.rounds,
    onRound: (info) =>
      output.err(`  ${safeText(info.map)} round ${info.round}: ${info.engagements} engagements → ${safeText(info.file)}`),
  };
  if (opts.maps) sim.maps = opts.maps;
  if (opts.players !== undefined) sim.playersPerTeam = opts.players;
  if (opts.roundSeconds !== undefined) sim.roundSeconds = opts.roundSeconds;
  if (opts.serverId !== undefined) sim.serverId = opts.serverId;
  output.err(`Simulating ${opts.rounds} round(s), seed ${opts.seed}…`);
  const { files } = await simulateSession(sim);
  output.err(`Wrote ${files.length} round file(s) to ${outDir} in ${formatDuration(Date.now() - started)}.`);
  for (const file of files) output.out(file);
  return EXIT_OK;
}
