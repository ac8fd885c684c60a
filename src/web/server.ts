/**
 * `startDashboard` (docs/API-CONTRACTS.md): serves the read-only dashboard app over HTTP with
 * @hono/node-server. Binds to 127.0.0.1 unless told otherwise (the dashboard has no authentication);
 * port 0 picks a free port, and the returned url names the real one.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createDashboardApp, type DashboardStore } from './app.ts';

export { createDashboardApp };

export function startDashboard(opts: {
  store: DashboardStore;
  port?: number;
  host?: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const app = createDashboardApp(opts.store);
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: opts.port ?? 8080, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            (server as Server).closeAllConnections?.();
            server.close((err) => (err ? fail(err) : done()));
          }),
      });
    });
    server.once('error', reject);
  });
}
