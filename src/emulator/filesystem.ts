/**
 * et.trap_FS_* on top of the real disk, rooted at <homepath>/legacy/ (files.c FS_FOpenFileByMode semantics).
 * Handles are engine-global (64 max) and survive VM restarts, like the engine's fsh[] table.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, readdirSync, readFileSync, renameSync,
  statSync, writeSync, copyFileSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const FS_READ = 0, FS_WRITE = 1, FS_APPEND = 2, FS_APPEND_SYNC = 3;
export const MAX_FILE_HANDLES = 64;

/** An engine error that drops the map (Com_Error(ERR_DROP, …)); pcall in Lua cannot stop it. */
export class ErrDrop extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ErrDrop';
  }
}

interface Handle { fd: number; path: string; mode: number; }

export class GameFileSystem {
  readonly root: string;
  private readonly handles = new Map<number, Handle>();

  constructor(homepath: string, private readonly onDrop: (msg: string) => ErrDrop) {
    this.root = join(homepath, 'legacy');
  }

  /** Absolute path of a game path, or null when the engine refuses it (`..`, `::`, absolute). */
  resolve(rel: string): string | null {
    const norm = rel.replace(/\\/g, '/');
    if (norm.includes('..') || norm.includes('::') || norm.startsWith('/') || /^[a-zA-Z]:/.test(norm)) return null;
    return join(this.root, norm);
  }

  /** → [fd, len]: READ missing → (0, -1); WRITE/APPEND → (handle, 0); failure → (0, -1). */
  open(rel: string, mode: number): [number, number] {
    const abs = this.resolve(rel);
    if (abs === null) return [0, -1];
    if (mode !== FS_READ && /\.(pk3|so|dll|dylib|exe|qvm)$/i.test(abs)) {
      throw this.onDrop(`FS_CheckFilenameIsMutable: can't write to "${rel}"`);
    }
    const slot = this.freeSlot();
    if (mode === FS_READ) {
      if (!existsSync(abs) || !statSync(abs).isFile()) return [0, -1];
      const fd = openSync(abs, 'r');
      this.handles.set(slot, { fd, path: abs, mode });
      return [slot, statSync(abs).size];
    }
    if (mode !== FS_WRITE && mode !== FS_APPEND && mode !== FS_APPEND_SYNC) return [0, -1];
    mkdirSync(dirname(abs), { recursive: true });   // FS_CreatePath
    const fd = openSync(abs, mode === FS_WRITE ? 'w' : 'a');
    this.handles.set(slot, { fd, path: abs, mode });
    return [slot, 0];
  }

  private freeSlot(): number {
    for (let i = 1; i < MAX_FILE_HANDLES; i++) if (!this.handles.has(i)) return i;
    throw this.onDrop('FS_HandleForFile: none free');
  }

  private handle(fd: number): Handle {
    const h = this.handles.get(fd);
    if (!h) throw this.onDrop(`FS_FileForHandle: out of range or not open (${fd})`);
    return h;
  }

  write(fd: number, data: Uint8Array): number {
    if (fd === 0) return 0;
    const h = this.handle(fd);
    if (h.mode === FS_READ) return 0;
    const n = writeSync(h.fd, data);
    if (h.mode === FS_APPEND_SYNC) fsyncSync(h.fd);
    return n;
  }

  read(fd: number, count: number): Uint8Array {
    if (fd === 0) return new Uint8Array(0);
    const h = this.handle(fd);
    const buf = Buffer.alloc(Math.max(0, count));
    const n = readSync(h.fd, buf, 0, buf.length, null);
    const out = buf.subarray(0, n);
    const nul = out.indexOf(0);
    return nul >= 0 ? out.subarray(0, nul) : out;
  }

  close(fd: number): void {
    const h = this.handles.get(fd);
    if (!h) return;
    closeSync(h.fd);
    this.handles.delete(fd);
  }

  rename(from: string, to: string): void {
    const a = this.resolve(from), b = this.resolve(to);
    if (a === null || b === null || !existsSync(a)) return;
    mkdirSync(dirname(b), { recursive: true });
    try {
      renameSync(a, b);
    } catch {
      copyFileSync(a, b);   // the engine falls back to copy + delete
      unlinkSync(a);
    }
  }

  list(dir: string, ext: string): string[] {
    const abs = this.resolve(dir || '.');
    if (abs === null || !existsSync(abs)) return [];
    const want = ext.replace(/^\./, '').toLowerCase();
    return readdirSync(abs, { withFileTypes: true })
      .filter((d) => (want === '/' ? d.isDirectory() : d.isFile() && (want === '' || d.name.toLowerCase().endsWith('.' + want))))
      .map((d) => d.name)
      .sort();
  }

  readWhole(rel: string): Buffer | null {
    const abs = this.resolve(rel);
    if (abs === null || !existsSync(abs)) return null;
    return readFileSync(abs);
  }

  openHandleCount(): number { return this.handles.size; }

  /** Closes everything (server process exit). Not called on VM restarts: the engine leaks handles too. */
  closeAll(): void {
    for (const fd of [...this.handles.keys()]) this.close(fd);
  }
}
