/**
 * Where a command prints. Results go to stdout (so they can be piped), progress and diagnostics to stderr.
 * Colours are decided per stream: `proximity report | less` gets plain text, the terminal gets colour.
 */
import { colorEnabled, makePalette, type Palette } from './terminal.ts';

export interface Output {
  /** A line of results (stdout). */
  out(line?: string): void;
  /** A line of diagnostics or progress (stderr). */
  err(line?: string): void;
  /** Colours for stdout text. */
  c: Palette;
  /** Colours for stderr text. */
  ce: Palette;
  /** stderr is an interactive terminal: progress bars and live status lines are welcome. */
  interactive: boolean;
  stderr: NodeJS.WriteStream;
}

export function processOutput(): Output {
  // `proximity report | head` closes stdout early: stop writing to it, but let the command finish (a
  // watch or import in progress must still commit or roll back its transaction and close the store).
  let stdoutOpen = true;
  let stderrOpen = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutOpen = false;
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stderrOpen = false;
  });
  return {
    out: (line = '') => void (stdoutOpen && process.stdout.write(line + '\n')),
    err: (line = '') => void (stderrOpen && process.stderr.write(line + '\n')),
    c: makePalette(colorEnabled(process.stdout)),
    ce: makePalette(colorEnabled(process.stderr)),
    interactive: Boolean(process.stderr.isTTY) && process.env.TERM !== 'dumb' && !process.env.CI,
    stderr: process.stderr,
  };
}
