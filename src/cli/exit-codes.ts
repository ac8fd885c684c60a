/**
 * Exit statuses scripts can rely on (documented in README.md and `proximity --help`):
 *   0  success; for `import`/`watch`, every file was imported or was already imported (duplicate)
 *   1  data problem: at least one file rejected, `inspect` found the file invalid, a player not found
 *   2  usage, configuration, connection or I/O error: nothing was judged about the data
 */
export const EXIT_OK = 0;
export const EXIT_DATA = 1;
export const EXIT_USAGE = 2;

/** An error the CLI reports as one line (no stack trace) with a chosen exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
