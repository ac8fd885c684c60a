/** Runs test/store/child-import.ts in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ImportOutcome } from '../../src/store/index.ts';

const CHILD = fileURLToPath(new URL('./child-import.ts', import.meta.url));

export interface ChildOptions {
  databaseUrl?: string;
  dataDir?: string;
  paths: string[];
  hangInside?: boolean;
}

export function startChild(opts: ChildOptions): { child: ChildProcess; lines: AsyncIterable<string>; waitFor(line: string): Promise<void>; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buffer = '';
  const seen: string[] = [];
  const waiters: { line: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      seen.push(line);
      for (const w of waiters.filter((x) => x.line === line)) w.resolve();
    }
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  done.then(() => {
    for (const w of waiters) if (!seen.includes(w.line)) w.reject(new Error(`child exited before printing ${w.line}: ${stderr}`));
  });
  return {
    child,
    lines: (async function* () {
      await done;
      yield* seen;
    })(),
    waitFor(line: string) {
      if (seen.includes(line)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => waiters.push({ line, resolve, reject }));
    },
    done,
  };
}

/** Runs a child to completion and returns its import outcomes. */
export async function runChild(opts: ChildOptions): Promise<ImportOutcome[]> {
  const c = startChild(opts);
  const code = await c.done;
  const lines: string[] = [];
  for await (const l of c.lines) lines.push(l);
  const last = lines.at(-1);
  if (code !== 0 || !last?.startsWith('[')) throw new Error(`child failed (${code}): ${lines.join('\n')}`);
  return JSON.parse(last) as ImportOutcome[];
}
