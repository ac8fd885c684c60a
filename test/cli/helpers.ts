/**
 * Helpers for the CLI tests: run the real `proximity` command from source as a child process (so a stale
 * dist/ never matters), temporary directories, and small hand-made round files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRY = join(REPO, 'src/cli/main-entry.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A temp dir removed when the process exits (tests also remove theirs in `after`). */
export function tempDir(prefix = 'proximity-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Environment of a CLI child: the user data dir points into `home` (XDG_DATA_HOME) so nothing touches the
 * real one, DATABASE_URL is removed unless the test passes it, and colours are off.
 */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(home, 'xdg-data'), NO_COLOR: '1' };
  delete env.DATABASE_URL;
  delete env.FORCE_COLOR;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Collects a child's output and waits for it to exit. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return finished(startCli(args, env));
}

/** Opens the embedded database in `dataDir` even when DATABASE_URL is set (openStore prefers the URL). */
export async function openEmbedded(dataDir: string) {
  const { openStore } = await import('../../src/store/index.ts');
  const url = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    return await openStore({ dataDir });
  } finally {
    if (url !== undefined) process.env.DATABASE_URL = url;
  }
}

/**
 * Fills `dest` with a new, empty, migrated embedded database. Creating one (initdb + migrations) costs
 * seconds; copying a closed one costs a fraction, so one template per migration set is kept in the temp
 * dir (named by the hash of sql/migrations, so a changed migration gets a new template).
 */
export async function freshDataDir(dest: string): Promise<void> {
  const migrations = join(REPO, 'sql', 'migrations');
  const hash = createHash('sha256');
  for (const name of readdirSync(migrations).sort()) hash.update(name).update(readFileSync(join(migrations, name)));
  const template = join(tmpdir(), `proximity-cli-test-db-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(template)) {
    const building = mkdtempSync(`${template}.building-`);
    const store = await openEmbedded(building);
    await store.close();
    try {
      renameSync(building, template);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another test file made it first
    }
  }
  cpSync(template, dest, { recursive: true });
}

/** Waits until `predicate` holds, polling; fails after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface HandRound {
  startUnix: number;
  map?: string;
  round?: number;
  attackerName?: string;
  victimName?: string;
}

/** File name the tracker would give the round (UTC here; the tracker uses server local time). */
export function roundFileName(r: HandRound): string {
  const d = new Date((r.startUnix + 600) * 1000).toISOString();
  const stamp = `${d.slice(0, 10)}-${d.slice(11, 13)}${d.slice(14, 16)}${d.slice(17, 19)}`;
  return `${stamp}-${r.map ?? 'oasis'}-round-${r.round ?? 1}_engagements.txt`;
}

/** A small, valid v1 round file (FORMAT.md): two players, one kill. Names are written percent-encoded. */
export function roundFileText(r: HandRound): string {
  const enc = (s: string) =>
    [...Buffer.from(s, 'utf8')]
      .map((b) => (b < 0x20 || b > 0x7e || '%;|,:=/+'.includes(String.fromCharCode(b)) ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b)))
      .join('');
  return [
    '# PROXIMITY_ROUND v1',
    '# tracker_version=1.0.0',
    '# server_id=srv-cli-test',
    '# server_name=^1CLI Test',
    `# map=${r.map ?? 'oasis'}`,
    `# round=${r.round ?? 1}`,
    '# gametype=3',
    `# round_start_unix=${r.startUnix}`,
    '# round_start_leveltime=12000',
    '# timelimit=10',
    '# config=crossfire_window_ms:1000,escape_time_ms:5000,escape_distance:300,sample_interval_ms:2000,grid_size:512,nearby_radius:300,movement_sample_ms:1000,max_path_points:48,flush_ms:1000,heatmaps:1',
    '# sections=engagements,players,kill_heatmap,movement_heatmap',
    '# ENGAGEMENTS',
    '1;1000;1500;2;ALLIES;MEDIC;killed;8;1;54;3;0;;;1,AXIS,54,3,1000,1500,1,8:3;1000,10,20,0,start|1250,12,20,0,hit|1500,15,21,0,death;3;0,0,0;15,21,0;26;;;;;1v1',
    '# PLAYERS',
    `1;0;0123456789ABCDEF0123456789ABCDEF;${enc(r.attackerName ?? '^1Attacker')};0;AXIS;MEDIC;0;600000`,
    `2;1;FEDCBA9876543210FEDCBA9876543210;${enc(r.victimName ?? '^4Victim')};0;ALLIES;MEDIC;0;600000`,
    '# KILL_HEATMAP',
    '0;0;1;0',
    '# MOVEMENT_HEATMAP',
    '0;0;40;3;0',
    `# END end_reason=intermission round_end_unix=${r.startUnix + 600} duration_ms=600000 paused_ms=0 engagements=1 players=2 kill_cells=1 movement_cells=1`,
    '',
  ].join('\n');
}
