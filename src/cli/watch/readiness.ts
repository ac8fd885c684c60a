/**
 * Is a round file complete? The tracker renames `…​.part` to the final name only after `# END`, but a
 * directory synced from the server (rsync without temp files, SMB, cloud sync) can show a file while it
 * is still arriving. So:
 *   - a v1 file (`# PROXIMITY_ROUND`) is complete when its last line is a `# END …` line ending in `\n`;
 *     until then it is torn and is looked at again only when its size or mtime changes;
 *   - a legacy file (v3/v2) has no end marker: it is complete once its size and mtime have not changed
 *     for `settleMs` (an mtime already older than that counts, so existing files import at once);
 *     anything else that carries a round-file name is treated the same way and left to the reader;
 *   - an empty file is never complete.
 */
import { open } from 'node:fs/promises';

export type Readiness = 'ready' | 'torn' | 'settling';

export interface Observation {
  size: number;
  mtimeMs: number;
  /** When this size+mtime was first seen (ms since epoch). */
  since: number;
}

const HEAD_BYTES = 64;
const TAIL_BYTES = 4096;

export async function inspectEnds(path: string, size: number): Promise<{ head: string; tail: string }> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    const tailLength = Math.min(TAIL_BYTES, size);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    return { head: head.toString('latin1'), tail: tail.toString('latin1') };
  } finally {
    await handle.close();
  }
}

export function hasEndMarker(tail: string): boolean {
  if (!tail.endsWith('\n')) return false;
  const body = tail.slice(0, -1);
  const lastLine = body.slice(body.lastIndexOf('\n') + 1);
  return lastLine === '# END' || lastLine.startsWith('# END ');
}

export async function readiness(
  path: string,
  stat: { size: number; mtimeMs: number },
  seen: Observation | undefined,
  now: number,
  settleMs: number,
): Promise<Readiness> {
  if (stat.size === 0) return 'settling';
  const { head, tail } = await inspectEnds(path, stat.size);
  if (head.startsWith('# PROXIMITY_ROUND')) return hasEndMarker(tail) ? 'ready' : 'torn';
  // Changed since the last look: still arriving. Unchanged: stable since our first look, or since its
  // mtime (which lets existing files import at once, and an mtime in the future from a skewed clock on
  // the syncing side only delays it until our own observation has lasted settleMs).
  if (seen && (seen.size !== stat.size || seen.mtimeMs !== stat.mtimeMs)) return 'settling';
  const stableFor = Math.max(now - stat.mtimeMs, seen ? now - seen.since : 0);
  return stableFor >= settleMs ? 'ready' : 'settling';
}
