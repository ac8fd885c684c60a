/**
 * The line-at-a-time plumbing shared by all formats: a format parser receives each complete line and,
 * at the end, whatever followed the last `\n` (empty for a well-terminated file).
 *
 * Text is held as "binary" strings — one char per byte (Latin-1 decoding of the raw bytes) — so byte
 * checks and legacy UTF-8/Latin-1 detection see exactly what is on disk. A line is handed over as a
 * range `[start, end)` of the text it sits in (the whole file, or a stream chunk) together with the
 * same bytes as a Uint8Array, rather than as a substring: the fast paths read the bytes in place, and
 * only what needs a string (records' text, the strict parsers) is sliced from the text.
 */
import type { RoundFile } from './types.ts';

export interface LineParser {
  /**
   * The line `text[start, end)` without its `\n`; `bytes` holds the same bytes (`bytes[i] ===
   * text.charCodeAt(i)`) and is only valid during the call. lineNo is 1-based.
   */
  line(text: string, bytes: Uint8Array, start: number, end: number, lineNo: number): void;
  finish(unterminated: string): RoundFile;
}

const NO_BYTES = new Uint8Array(0);

/** Splits incoming chunks into lines and feeds them; keeps only the unfinished tail between chunks. */
export class LineSplitter {
  private tailText = '';
  private tailBytes = NO_BYTES;
  private lineNo = 0;
  constructor(private readonly parser: LineParser) {}

  /**
   * Feeds the next chunk: `text` is `bytes` decoded as Latin-1. The bytes are not kept after the call
   * (the streaming reader reuses its buffer), only a copy of an unfinished last line.
   */
  push(text: string, bytes: Uint8Array): void {
    if (this.tailText !== '') {
      text = this.tailText + text;
      const joined = new Uint8Array(this.tailBytes.length + bytes.length);
      joined.set(this.tailBytes);
      joined.set(bytes, this.tailBytes.length);
      bytes = joined;
    } else if (bytes.constructor !== Uint8Array) {
      // A Buffer is a Uint8Array subclass: one plain view keeps the parsers' byte reads monomorphic.
      bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      this.parser.line(text, bytes, start, nl, ++this.lineNo);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.tailText = start === 0 ? text : text.slice(start);
    this.tailBytes = bytes.slice(start);
  }

  /** What followed the last newline (a torn last line), '' for a file ending in `\n`. */
  get rest(): string {
    return this.tailText;
  }
  get lines(): number {
    return this.lineNo;
  }
}
