/**
 * Clean shutdown for long-running commands (watch, dashboard): the first SIGINT/SIGTERM asks the command
 * to stop (it finishes the file it is importing and closes the store); a second one exits at once.
 */
export interface StopSignal {
  readonly stopped: boolean;
  /** Resolves when a stop was requested. */
  readonly promise: Promise<string>;
  /** Removes the handlers (call when the command is done). */
  dispose(): void;
}

export function onStopSignal(onFirst?: (signal: string) => void): StopSignal {
  let stopped = false;
  let resolveStop!: (signal: string) => void;
  const promise = new Promise<string>((resolve) => {
    resolveStop = resolve;
  });
  const handler = (signal: NodeJS.Signals) => {
    if (stopped) {
      process.stderr.write(`\n${signal} again: exiting without waiting.\n`);
      process.exit(130);
    }
    stopped = true;
    onFirst?.(signal);
    resolveStop(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    get stopped() {
      return stopped;
    },
    promise,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
