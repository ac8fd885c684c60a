/**
 * A progress bar for long runs (import of many files), shown only when stderr is a terminal: in logs,
 * pipes and CI it would only add noise, so there it reports nothing and the summary says it all.
 */
import cliProgress from 'cli-progress';
import type { Output } from './output.ts';

export interface Progress {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };

/** Bars appear only for runs of at least `minTotal` items, so a two-file import prints no bar flash. */
export function startProgress(output: Output, title: string, minTotal = 20): Progress {
  if (!output.interactive) return SILENT;
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done, total, label = '') {
      if (total < minTotal) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream: output.stderr,
            format: `${title} [{bar}] {value}/{total} files | {percentage}% | ETA {eta_formatted} | {label}`,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { label: '' });
      }
      bar.setTotal(total);
      bar.update(done, { label: label.length > 40 ? '…' + label.slice(-39) : label });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
