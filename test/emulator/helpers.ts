/** Shared helpers for the emulator tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TRACES_DIR = '/work/shared/traces';
export const TRACE_NAMES = ['s1', 's2', 's3', 's4', 's5', 's6', 's6sw', 'sB'] as const;
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const RECORDER = join(FIXTURES, 'recorder.lua');

const homes: string[] = [];
export function tempHome(): string {
  const h = mkdtempSync(join(tmpdir(), 'proximity-emu-test-'));
  homes.push(h);
  return h;
}
export function cleanupHomes(): void {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
}

/** Writes a Lua module into a temp dir and returns its path. */
export function luaModule(code: string, name = 'mod.lua'): string {
  const dir = tempHome();
  const p = join(dir, name);
  writeFileSync(p, code);
  return p;
}
