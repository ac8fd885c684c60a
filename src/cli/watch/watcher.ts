/**
 * The `watch` loop: poll the directory every `intervalMs` (fs.watch events only wake it early: synced and
 * network directories often deliver none), import every complete round file once, and remember what was
 * done (WatchState) so a restart neither re-reads old files nor misses new ones.
 *
 * A stop request is honoured between files: the file being imported finishes its transaction first.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { findRoundFiles, importFile, type ImportOutcome, type Store } from '../../store/index.ts';
import { readiness, type Observation } from './readiness.ts';
import type { FileStatus, WatchState } from './state.ts';

export interface WatcherOptions {
  dir: string;
  store: Store;
  state: WatchState;
  intervalMs: number;
  settleMs: number;
  serverId?: string;
  /** Called for every finished file and for files that start waiting for their end marker. */
  onEvent?: (event: WatchEvent) => void;
  /** Time source (tests). */
  now?: () => number;
}

export type WatchEvent =
  | { kind: 'outcome'; outcome: ImportOutcome }
  | { kind: 'torn'; file: string }
  | { kind: 'error'; file: string | null; message: string };

export interface WatchTotals {
  imported: number;
  duplicate: number;
  rejected: number;
  scans: number;
}

/** Import-time rejections that mean "not finished yet" rather than "bad file". */
const TORN_REASON = /\btorn\b|incomplete|no .?# ?END/i;
/**
 * Rejections by the database (connection lost, server restarting) say nothing about the file: it is
 * tried again on the next scan instead of being remembered as rejected.
 */
const DATABASE_REASON = /: database: /;

class DatabaseTrouble extends Error {}

export class RoundWatcher {
  readonly totals: WatchTotals = { imported: 0, duplicate: 0, rejected: 0, scans: 0 };
  private readonly observations = new Map<string, Observation>();
  private readonly tornReported = new Map<string, string>();
  private stopRequested = false;
  /** An fs event arrived since the last scan began: the next sleep is short. */
  private hinted = false;
  private wake: (() => void) | null = null;
  private fsWatcher: FSWatcher | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: WatcherOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Ask the loop to stop after the current file; `run` then resolves. */
  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  /** Polls until `stop()`; the state is saved after every file and at the end. */
  async run(): Promise<void> {
    this.startFsHint();
    try {
      while (!this.stopRequested) {
        await this.scanOnce();
        if (this.stopRequested) break;
        await this.sleep(this.opts.intervalMs);
      }
    } finally {
      this.fsWatcher?.close();
      this.fsWatcher = null;
      await this.opts.state.save();
    }
  }

  /** One pass over the directory: imports every file that is complete and not yet done. */
  async scanOnce(): Promise<void> {
    const { state } = this.opts;
    this.totals.scans++;
    this.hinted = false;
    let files: string[];
    try {
      files = await findRoundFiles(this.opts.dir);
    } catch (error) {
      this.opts.onEvent?.({ kind: 'error', file: null, message: `cannot list ${this.opts.dir}: ${(error as Error).message}` });
      return;
    }
    const present = new Set(files);
    for (const file of files) {
      if (this.stopRequested) break;
      try {
        await this.consider(file);
      } catch (error) {
        if (error instanceof DatabaseTrouble) {
          // Probably down for every file: end this scan, try again on the next one.
          this.opts.onEvent?.({ kind: 'error', file, message: `${error.message}; retrying on the next scan` });
          break;
        }
        // A file that vanished or cannot be read now is retried on the next scan.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.opts.onEvent?.({ kind: 'error', file, message: (error as Error).message });
        }
      }
    }
    if (!this.stopRequested) {
      state.retainOnly(present);
      for (const file of this.observations.keys()) if (!present.has(file)) this.observations.delete(file);
    }
    await state.save();
  }

  private async consider(file: string): Promise<void> {
    const { state } = this.opts;
    const st = await stat(file);
    const current = { size: st.size, mtimeMs: st.mtimeMs };
    const known = state.get(file);
    if (known && known.size === current.size && known.mtimeMs === current.mtimeMs) return; // done, or torn and unchanged

    const now = this.now();
    const seen = this.observations.get(file);
    const ready = await readiness(file, current, seen, now, this.opts.settleMs);
    if (!seen || seen.size !== current.size || seen.mtimeMs !== current.mtimeMs) {
      this.observations.set(file, { ...current, since: now });
    }
    if (ready === 'settling') return;
    if (ready === 'torn') {
      this.remember(file, current, 'torn', 'no # END line yet');
      this.reportTorn(file, current);
      return;
    }

    const outcome = await importFile(this.opts.store, file, this.opts.serverId ? { serverId: this.opts.serverId } : undefined);
    if (outcome.status === 'rejected' && outcome.reason && TORN_REASON.test(outcome.reason)) {
      this.remember(file, current, 'torn', outcome.reason);
      this.reportTorn(file, current);
      return;
    }
    if (outcome.status === 'rejected' && outcome.reason && DATABASE_REASON.test(outcome.reason)) {
      throw new DatabaseTrouble(outcome.reason);
    }
    this.observations.delete(file);
    this.tornReported.delete(file);
    this.remember(file, current, outcome.status, outcome.reason);
    this.totals[outcome.status]++;
    this.opts.onEvent?.({ kind: 'outcome', outcome });
    await state.save();
  }

  private remember(file: string, st: { size: number; mtimeMs: number }, status: FileStatus, reason?: string): void {
    this.opts.state.set(file, { ...st, status, ...(reason !== undefined ? { reason } : {}) });
  }

  private reportTorn(file: string, st: { size: number; mtimeMs: number }): void {
    const key = `${st.size}:${st.mtimeMs}`;
    if (this.tornReported.get(file) === key) return;
    this.tornReported.set(file, key);
    this.opts.onEvent?.({ kind: 'torn', file });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.hinted ? Math.min(ms, 200) : ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** fs.watch as a hint: an event shortens the current sleep (after a short debounce for bursts). */
  private startFsHint(): void {
    try {
      this.fsWatcher = fsWatch(this.opts.dir, { persistent: false }, () => {
        if (this.hinted) return;
        this.hinted = true;
        setTimeout(() => this.wake?.(), 200).unref();
      });
      this.fsWatcher.on('error', () => {
        this.fsWatcher?.close();
        this.fsWatcher = null;
      });
    } catch {
      this.fsWatcher = null; // unsupported file system: polling alone does the job
    }
  }
}
