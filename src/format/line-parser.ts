/**
 * The line-at-a-time plumbing shared by all formats: a format parser receives each complete line
 * (without its `\n`) and, at the end, whatever followed the last `\n` (empty for a well-terminated file).
 * Lines are "binary" strings — one char per byte (Latin-1 decoding of the raw bytes) — so byte checks and
 * legacy UTF-8/Latin-1 detection see exactly what is on disk.
 */
import type { RoundFile } from './types.ts';

export interface LineParser {
  line(text: string, lineNo: number): void;
  finish(unterminated: string): RoundFile;
}

/** Splits incoming chunks into lines and feeds them; keeps only the unfinished tail between chunks. */
export class LineSplitter {
  private tail = '';
  private lineNo = 0;
  constructor(private readonly onLine: (text: string, lineNo: number) => void) {}

  push(chunk: string): void {
    let start = 0;
    let text = this.tail === '' ? chunk : this.tail + chunk;
    let nl = text.indexOf('\n', start);
    while (nl >= 0) {
      this.onLine(text.slice(start, nl), ++this.lineNo);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.tail = start === 0 ? text : text.slice(start);
    text = '';
  }

  /** What followed the last newline (a torn last line), '' for a file ending in `\n`. */
  get rest(): string {
    return this.tail;
  }
  get lines(): number {
    return this.lineNo;
  }
}
