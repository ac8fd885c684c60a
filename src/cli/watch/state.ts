/**
 * What `watch` remembers between runs: for every file it has finished with, the size and mtime it had
 * and what became of it. On a restart a file with the same size and mtime is skipped without being read
 * or hashed; a file that changed is looked at again (the store's import ledger still turns a re-import
 * of identical content into a no-op, so losing this file costs time, never correctness).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type FileStatus = 'imported' | 'duplicate' | 'rejected' | 'torn';

export interface FileRecord {
  size: number;
  mtimeMs: number;
  status: FileStatus;
  reason?: string;
}

interface StateFile {
  version: 1;
  dir: string;
  files: Record<string, FileRecord>;
}

export class WatchState {
  private dirty = false;

  private constructor(
    readonly path: string,
    private readonly data: StateFile,
  ) {}

  /** Loads the state; a missing or unreadable file starts empty (and says so through `warn`). */
  static async load(path: string, dir: string, warn: (message: string) => void): Promise<WatchState> {
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<StateFile>;
      if (parsed.version === 1 && parsed.files && typeof parsed.files === 'object') {
        return new WatchState(path, { version: 1, dir, files: parsed.files });
      }
      warn(`watch state ${path} has an unknown layout; starting afresh`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        warn(`cannot read watch state ${path} (${(error as Error).message}); starting afresh`);
      }
    }
    return new WatchState(path, { version: 1, dir, files: {} });
  }

  get(file: string): FileRecord | undefined {
    return Object.hasOwn(this.data.files, file) ? this.data.files[file] : undefined;
  }

  set(file: string, record: FileRecord): void {
    this.data.files[file] = record;
    this.dirty = true;
  }

  /** Forgets files that are gone from the directory, so the state does not grow forever. */
  retainOnly(present: ReadonlySet<string>): void {
    for (const file of Object.keys(this.data.files)) {
      if (!present.has(file)) {
        delete this.data.files[file];
        this.dirty = true;
      }
    }
  }

  get size(): number {
    return Object.keys(this.data.files).length;
  }

  /** Writes atomically (temp file + rename): a crash mid-write never leaves a truncated state. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(this.data));
    await rename(tmp, this.path);
    this.dirty = false;
  }
}
