/**
 * Reader speed: a generated year (3,650 files, ~100 engagements each) in our v1 format and in the
 * legacy v3 layout, read with the streaming reader (readRoundFile) and parsed from memory
 * (parseRoundFile), reported as files/s and engagements/s — medians of 3 passes, side by side.
 * Run: `node --import tsx bench/format.ts` (or via bench/run.ts once it lists `format`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRoundFile, readRoundFile } from '../src/format/reader.ts';
import { writeSyntheticYear } from '../src/format/synthetic.ts';

const FILES = Number(process.env.FORMAT_BENCH_FILES ?? 3650);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Pass {
  ms: number;
  cpuMs: number;
  engagements: number;
}

async function timePass(paths: string[], streaming: boolean, contents: Buffer[]): Promise<Pass> {
  let engagements = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < paths.length; i++) {
    const r = streaming ? await readRoundFile(paths[i]!) : parseRoundFile(contents[i]!, paths[i]!);
    engagements += r.engagements.length;
  }
  const cpu = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, engagements };
}

/** Reference on the same machine in the same run: JSON.parse of the very records the reader returns. */
function jsonBaseline(contents: Buffer[], paths: string[]): number {
  const json = contents.map((c, i) => JSON.stringify(parseRoundFile(c, paths[i]!)));
  const c0 = process.cpuUsage();
  for (const j of json) JSON.parse(j);
  const cpu = process.cpuUsage(c0);
  return (cpu.user + cpu.system) / 1000;
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'prox-format-bench-'));
  try {
    const sets: Record<string, string[]> = {};
    for (const format of ['v1', 'v3', 'v2'] as const) {
      sets[format] = await writeSyntheticYear(join(root, format), { format, files: FILES });
    }
    console.log(`files per set: ${FILES} (synthetic year, ~100 engagements per round; v2 keeps only the kills)`);
    console.log('format  mode     files/s  engagements/s   MB/s | CPU: files/s  engagements/s | ×JSON.parse  (medians of 3)');
    for (const mode of ['stream', 'memory'] as const) {
      for (const format of ['v1', 'v3', 'v2'] as const) {
        const paths = sets[format]!;
        const contents = paths.map((p) => readFileSync(p));
        const bytes = contents.reduce((s, c) => s + c.length, 0);
        const runs: Pass[] = [];
        for (let i = 0; i < 3; i++) runs.push(await timePass(paths, mode === 'stream', contents));
        const ms = median(runs.map((r) => r.ms));
        const cpuMs = median(runs.map((r) => r.cpuMs));
        const baseline = median([0, 1, 2].map(() => jsonBaseline(contents, paths)));
        const eng = runs[0]!.engagements;
        const rate = (n: number, t: number): string => (n / (t / 1000)).toFixed(0);
        console.log(
          `${format.padEnd(7)} ${mode.padEnd(7)} ${rate(FILES, ms).padStart(8)} ${rate(eng, ms).padStart(14)} ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(6)} | ` +
            `${rate(FILES, cpuMs).padStart(12)} ${rate(eng, cpuMs).padStart(14)} | ${(cpuMs / baseline).toFixed(2).padStart(11)}`,
        );
      }
    }
    console.log('×JSON.parse = reader CPU time / CPU time of JSON.parse of the same records (machine-independent ratio)');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
