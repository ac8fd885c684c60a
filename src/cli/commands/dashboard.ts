/** `proximity dashboard [--port N]`: the read-only web dashboard (src/web) until SIGINT/SIGTERM. */
import { startDashboard } from '../../web/server.ts';
import { describeDatabase, openCliStore, type DatabaseOptions } from '../database.ts';
import { CliError, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { onStopSignal } from '../signals.ts';

export async function runDashboard(output: Output, opts: DatabaseOptions & { port: number; host: string }): Promise<number> {
  const stop = onStopSignal();
  const store = await openCliStore(opts);
  try {
    let server: { url: string; close(): Promise<void> };
    try {
      server = await startDashboard({ store, port: opts.port, host: opts.host });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new CliError(`cannot start the dashboard on ${opts.host}:${opts.port}: ${message}`, EXIT_USAGE);
    }
    output.out(`Dashboard: ${output.c.cyan(server.url)}  ${output.c.dim(`(${describeDatabase(opts)}; Ctrl+C to stop)`)}`);
    await stop.promise;
    await server.close();
    output.err('Dashboard stopped.');
    return EXIT_OK;
  } finally {
    stop.dispose();
    await store.close();
  }
}
