/** The one error type of the reader: every problem names the file, the line and the field. */

export type RoundFileErrorKind = 'torn' | 'malformed' | 'unsupported' | 'io';

export class RoundFileError extends Error {
  override readonly name = 'RoundFileError';
  readonly file: string;
  /** 1-based line number, null when the problem is not on one line (I/O, empty file). */
  readonly line: number | null;
  /** Field name as docs/FORMAT.md names it (nested items as `attackers[2].damage`), null when none. */
  readonly field: string | null;
  readonly kind: RoundFileErrorKind;
  /** The problem alone, without the `<file>:<line>: <field>: ` prefix. */
  readonly detail: string;

  constructor(kind: RoundFileErrorKind, file: string, line: number | null, field: string | null, detail: string) {
    super(`${file}:${line ?? '-'}: ${field ?? '-'}: ${detail}`);
    this.kind = kind;
    this.file = file;
    this.line = line;
    this.field = field;
    this.detail = detail;
  }
}

/** Raised deep inside field parsers, which know the problem but not the file or line. */
export class FieldError extends Error {
  readonly field: string;
  constructor(field: string, detail: string) {
    super(detail);
    this.field = field;
  }
}
