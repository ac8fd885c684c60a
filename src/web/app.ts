/**
 * The dashboard as a Hono app: HTML pages and a JSON API over the same analytics functions.
 * Read-only by construction: only GET/HEAD are routed (everything else is 405 before any handler runs),
 * and every request's queries run inside a `READ ONLY` transaction, so even a bug in a query cannot
 * write (PostgreSQL and PGlite both enforce it).
 */
import { Hono, type Context } from 'hono';
import * as analytics from '../analytics/index.ts';
import type { Queryable } from '../analytics/db.ts';
import { page, CONTENT_SECURITY_POLICY } from './layout.ts';
import * as pages from './pages.ts';
import {
  parseQuery,
  leaderboardQuery,
  searchQuery,
  listQuery,
  roundsQuery,
  breakdownQuery,
  heatmapQuery,
  pathText,
  type ParseResult,
} from './params.ts';
import type { SafeHtml } from './html.ts';

/** What the dashboard needs of a store (docs/API-CONTRACTS.md `Store` satisfies it). */
export interface DashboardStore extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

class BadRequest extends Error {}
class NotFound extends Error {}

export function createDashboardApp(store: DashboardStore): Hono {
  const app = new Hono();

  const readOnly = <T>(fn: (db: Queryable) => Promise<T>): Promise<T> =>
    store.transaction(async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      return fn(tx);
    });

  function valid<T>(r: ParseResult<T>): T {
    if (!r.ok) throw new BadRequest(r.error);
    return r.value;
  }
  const param = (c: Context, name: string): string => {
    const r = pathText.safeParse(c.req.param(name));
    if (!r.success) throw new BadRequest(`${name}: invalid`);
    return r.data;
  };
  const isApi = (c: Context) => c.req.path === '/api' || c.req.path.startsWith('/api/');

  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      c.header('Allow', 'GET, HEAD');
      setSecurityHeaders(c);
      return isApi(c)
        ? c.json({ error: 'method not allowed: the dashboard is read-only' }, 405)
        : c.html(page({ title: '405', active: '', body: pages.errorPage(405, 'The dashboard is read-only.') }), 405);
    }
    await next();
    setSecurityHeaders(c);
  });

  app.onError((err, c) => {
    setSecurityHeaders(c);
    const [status, message] =
      err instanceof BadRequest
        ? ([400, `Bad request: ${err.message}`] as const)
        : err instanceof NotFound
          ? ([404, err.message] as const)
          : ([500, 'Internal error'] as const);
    if (status === 500) console.error('dashboard:', err);
    if (isApi(c)) return c.json({ error: message }, status);
    return c.html(page({ title: String(status), active: '', body: pages.errorPage(status, message) }), status);
  });
  app.notFound((c) => {
    setSecurityHeaders(c);
    if (isApi(c)) return c.json({ error: 'not found' }, 404);
    return c.html(page({ title: '404', active: '', body: pages.errorPage(404, 'Page not found.') }), 404);
  });

  const render = (c: Context, title: string, active: string, body: SafeHtml) =>
    c.html(page({ title, active, body }));

  // ---- HTML pages ----
  app.get('/', async (c) => {
    const [o, top, rounds] = await readOnly(async (db) => [
      await analytics.overview(db),
      await analytics.leaderboard(db, { metric: 'kills', limit: 10 }),
      await analytics.recentRounds(db, { limit: 10 }),
    ] as const);
    return render(c, 'Overview', '/', pages.overviewPage(o, top, rounds));
  });

  app.get('/leaderboards', async (c) => {
    const q = valid(parseQuery(leaderboardQuery, c.req.query()));
    const board = await readOnly((db) =>
      analytics.leaderboard(db, { metric: q.metric, limit: q.limit ?? 50, minSample: q.min, includeBots: q.bots === '1' }),
    );
    return render(c, 'Leaderboards', '/leaderboards', pages.leaderboardPage(board, q.bots === '1'));
  });

  app.get('/players', async (c) => {
    const q = valid(parseQuery(searchQuery, c.req.query()));
    const rows = q.q.trim() === '' ? [] : await readOnly((db) => analytics.findPlayers(db, { query: q.q, limit: q.limit ?? 50 }));
    return render(c, 'Players', '/players', pages.searchPage(q.q, rows));
  });

  app.get('/player/:guid', async (c) => {
    const guid = param(c, 'guid');
    const profile = await readOnly((db) => analytics.playerProfile(db, { guid }));
    if (!profile) throw new NotFound('No player with this GUID.');
    return render(c, 'Player', '/players', pages.playerPage(profile));
  });

  app.get('/duos', async (c) => {
    const q = valid(parseQuery(listQuery, c.req.query()));
    const duos = await readOnly((db) => analytics.crossfireDuos(db, { limit: q.limit ?? 50 }));
    return render(c, 'Duos', '/duos', pages.duosPage(duos));
  });

  app.get('/breakdown', async (c) => {
    const q = valid(parseQuery(breakdownQuery, c.req.query()));
    const b = await readOnly((db) => analytics.engagementBreakdown(db, q));
    return render(c, 'Engagements', '/breakdown', pages.breakdownPage(b, q));
  });

  app.get('/maps', async (c) => {
    const list = await readOnly((db) => analytics.maps(db));
    return render(c, 'Maps', '/maps', pages.mapsPage(list));
  });

  app.get('/maps/:map', async (c) => {
    const map = param(c, 'map');
    const q = valid(parseQuery(heatmapQuery, c.req.query()));
    const [h, zones, known] = await readOnly(async (db) => [
      await analytics.heatmap(db, { map }),
      await analytics.hottestZones(db, { map, limit: 10 }),
      (await analytics.maps(db)).some((m) => m.map === map),
    ] as const);
    if (!known && h.cells.length === 0) throw new NotFound('No such map.');
    return render(c, map, '/maps', pages.heatmapPage(h, q.layer, zones));
  });

  app.get('/rounds', async (c) => {
    const q = valid(parseQuery(roundsQuery, c.req.query()));
    const rounds = await readOnly((db) => analytics.recentRounds(db, { limit: q.limit ?? 50, map: q.map }));
    return render(c, 'Rounds', '/rounds', pages.roundsPage(rounds));
  });

  // ---- JSON API (mirrors the analytics functions) ----
  app.get('/api', (c) =>
    c.json({
      endpoints: [
        '/api/overview',
        '/api/leaderboard?metric=&limit=&min=&bots=',
        '/api/players?q=',
        '/api/players/:guid',
        '/api/players/:guid/duos',
        '/api/duos',
        '/api/breakdown?by=date|map&map=&from=&to=',
        '/api/maps',
        '/api/maps/:map/heatmap',
        '/api/maps/:map/zones',
        '/api/rounds?limit=&map=',
      ],
    }),
  );
  app.get('/api/overview', async (c) => c.json(await readOnly((db) => analytics.overview(db))));
  app.get('/api/leaderboard', async (c) => {
    const q = valid(parseQuery(leaderboardQuery, c.req.query()));
    return c.json(
      await readOnly((db) =>
        analytics.leaderboard(db, { metric: q.metric, limit: q.limit, minSample: q.min, includeBots: q.bots === '1' }),
      ),
    );
  });
  app.get('/api/players', async (c) => {
    const q = valid(parseQuery(searchQuery, c.req.query()));
    return c.json(await readOnly((db) => analytics.findPlayers(db, { query: q.q, limit: q.limit })));
  });
  app.get('/api/players/:guid', async (c) => {
    const guid = param(c, 'guid');
    const profile = await readOnly((db) => analytics.playerProfile(db, { guid }));
    if (!profile) throw new NotFound('no player with this GUID');
    return c.json(profile);
  });
  app.get('/api/players/:guid/duos', async (c) => {
    const guid = param(c, 'guid');
    const q = valid(parseQuery(listQuery, c.req.query()));
    return c.json(await readOnly((db) => analytics.duoPartners(db, { guid, limit: q.limit })));
  });
  app.get('/api/duos', async (c) => {
    const q = valid(parseQuery(listQuery, c.req.query()));
    return c.json(await readOnly((db) => analytics.crossfireDuos(db, { limit: q.limit })));
  });
  app.get('/api/breakdown', async (c) => {
    const q = valid(parseQuery(breakdownQuery, c.req.query()));
    return c.json(await readOnly((db) => analytics.engagementBreakdown(db, q)));
  });
  app.get('/api/maps', async (c) => c.json(await readOnly((db) => analytics.maps(db))));
  app.get('/api/maps/:map/heatmap', async (c) => {
    const map = param(c, 'map');
    return c.json(await readOnly((db) => analytics.heatmap(db, { map })));
  });
  app.get('/api/maps/:map/zones', async (c) => {
    const map = param(c, 'map');
    const q = valid(parseQuery(listQuery, c.req.query()));
    return c.json(await readOnly((db) => analytics.hottestZones(db, { map, limit: q.limit })));
  });
  app.get('/api/rounds', async (c) => {
    const q = valid(parseQuery(roundsQuery, c.req.query()));
    return c.json(await readOnly((db) => analytics.recentRounds(db, { limit: q.limit, map: q.map })));
  });

  return app;
}

function setSecurityHeaders(c: Context): void {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  c.header('Cache-Control', 'no-store');
}
