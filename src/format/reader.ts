/**
 * Public entry points of the round file reader (docs/API-CONTRACTS.md, "format"). The first line picks
 * the format — our `PROXIMITY_ROUND v1` or the seeds' legacy v3/v2 (docs/LEGACY.md) — and the rest of
 * the file is fed to that format's line parser, from a string, bytes, or a file read in chunks.
 *
 * Errors: always RoundFileError, message `<file>:<line>: <field>: <what is wrong>` (`-` for an unknown
 * line or field). `torn` = no `# END` (or a cut last line): import nothing. `unsupported` = an unknown
 * major version. `malformed` = anything else the contract forbids; the first problem found is reported.
 * Integers are bounded to what the store's columns hold (pids, meansOfDeath and weapon ids ≤ 32767,
 * coordinates within ±1,000,000 as the tracker writes them, everything else 32-bit) so a garbage value
 * is reported with its line instead of failing in the database.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { RoundFileError } from './errors.ts';
import { parseRoundFileName } from './file-name.ts';
import { LegacyV2Reader, V2_MAGIC } from './legacy-v2-reader.ts';
import { LegacyV3Reader, V3_MAGIC } from './legacy-v3-reader.ts';
import { LineSplitter, type LineParser } from './line-parser.ts';
import type { RoundFile } from './types.ts';
import { V1Reader, V1_MAGIC } from './v1-reader.ts';

export { RoundFileError, type RoundFileErrorKind } from './errors.ts';
export { encodeText, decodeText } from './escape.ts';
export { isRoundFileName, parseRoundFileName } from './file-name.ts';

/**
 * How lines are read. The readers parse a well-formed data line with a fast in-place parser and fall
 * back to their strict parsers (the reference, which name any problem) for everything else; tests set
 * `strictOnly` to read every line with the strict parsers and check that both readings agree.
 */
export interface ReadOptions {
  strictOnly?: boolean;
}

/** Chooses the format from the first line, then forwards every line to it. */
class FormatDispatcher implements LineParser {
  private parser: LineParser | null = null;
  constructor(
    private readonly file: string,
    private readonly options: ReadOptions = {},
  ) {}

  line(text: string, bytes: Uint8Array, start: number, end: number, lineNo: number): void {
    if (this.parser === null) {
      this.parser = this.choose(text.slice(start, end));
      return;
    }
    this.parser.line(text, bytes, start, end, lineNo);
  }

  private choose(first: string): LineParser {
    const name = parseRoundFileName(this.file);
    const ts = name?.timestampUnix ?? null;
    const strictOnly = this.options.strictOnly === true;
    if (first === V1_MAGIC) return new V1Reader(this.file, ts, strictOnly);
    if (first === V1_MAGIC + '\r') {
      throw new RoundFileError('malformed', this.file, 1, null, 'raw byte 0x0d at the line end (CRLF line ends; the format uses \\n)');
    }
    if (first === V3_MAGIC || first === V3_MAGIC + '\r') return new LegacyV3Reader(this.file, name, strictOnly);
    if (first === V2_MAGIC || first === V2_MAGIC + '\r') return new LegacyV2Reader(this.file, name);
    if (first.startsWith('# PROXIMITY_ROUND ') || first.startsWith('# PROXIMITY_TRACKER_V')) {
      throw new RoundFileError('unsupported', this.file, 1, 'version', `unsupported format version ${JSON.stringify(first.slice(2, 60))}`);
    }
    throw new RoundFileError('malformed', this.file, 1, 'version', 'not a proximity round file (first line must be "# PROXIMITY_ROUND v1")');
  }

  finish(unterminated: string): RoundFile {
    if (this.parser === null) {
      const magics = [V1_MAGIC, V3_MAGIC, V2_MAGIC];
      if (unterminated !== '' && magics.some((m) => m.startsWith(unterminated))) {
        throw new RoundFileError('torn', this.file, 1, 'END', 'the file ends inside its first line (torn)');
      }
      if (unterminated === '') throw new RoundFileError('torn', this.file, null, 'END', 'empty file (torn: nothing was written)');
      this.choose(unterminated); // reports unsupported/not-a-round-file for a one-line file
      throw new RoundFileError('torn', this.file, 1, 'END', 'the file ends after its first line (torn)');
    }
    return this.parser.finish(unterminated);
  }
}

/** Strings are Unicode text: non-ASCII characters are taken as their UTF-8 bytes (pass bytes to read raw files). */
function toBinary(content: string): string {
  for (let i = 0; i < content.length; i++) {
    if (content.charCodeAt(i) > 0x7f) return Buffer.from(content, 'utf8').toString('latin1');
  }
  return content;
}

/** Parses a whole round file held in memory (any supported format). Throws RoundFileError. */
export function parseRoundFile(content: string | Uint8Array, fileName: string): RoundFile {
  return parseRoundFileWith(content, fileName, {});
}

/** parseRoundFile with ReadOptions (for tests; not part of the package's API). */
export function parseRoundFileWith(content: string | Uint8Array, fileName: string, options: ReadOptions): RoundFile {
  const parser = new FormatDispatcher(fileName, options);
  const splitter = new LineSplitter(parser);
  if (typeof content === 'string') {
    const text = toBinary(content);
    splitter.push(text, Buffer.from(text, 'latin1'));
  } else {
    const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    splitter.push(bytes.toString('latin1'), bytes);
  }
  return parser.finish(splitter.rest);
}

const CHUNK_BYTES = 256 * 1024;

/**
 * Reads a round file in fixed 256 KiB chunks through one file handle, feeding lines as they complete:
 * only the current chunk and the records are in memory, whatever the file's size. (A plain handle
 * instead of fs.createReadStream: same streaming, a fraction of the per-file overhead for the
 * ~30 KB files a year of imports consists of.)
 */
export async function readRoundFile(path: string): Promise<RoundFile> {
  const parser = new FormatDispatcher(path);
  const splitter = new LineSplitter(parser);
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    while (true) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      splitter.push(buffer.toString('latin1', 0, bytesRead), buffer.subarray(0, bytesRead));
    }
  } catch (e) {
    if (e instanceof RoundFileError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new RoundFileError('io', path, null, null, `cannot read: ${err.code ?? ''} ${err.message}`.trim());
  } finally {
    await handle?.close();
  }
  return parser.finish(splitter.rest);
}
