/**
 * Query-parameter validation for every dashboard route (zod). Anything outside these shapes is a 400;
 * values only ever reach SQL as bound parameters inside the analytics functions.
 */
import { z } from 'zod';
import { LEADERBOARD_METRICS } from '../analytics/types.ts';
import { HEAT_LAYERS } from './charts.ts';

const limit = (max: number) => z.coerce.number().int().min(1).max(max).optional();
/** A real calendar date `YYYY-MM-DD` (2026-02-30 is refused here, not by the database). */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a calendar date');
/** Path texts (GUIDs, map names): bounded, no NUL (PostgreSQL text cannot hold it). */
export const pathText = z.string().min(1).max(200).refine((s) => !s.includes('\0'), 'NUL not allowed');

export const leaderboardQuery = z.object({
  metric: z.enum(LEADERBOARD_METRICS).default('kd'),
  limit: limit(200),
  min: z.coerce.number().int().min(0).max(1_000_000).optional(),
  bots: z.enum(['0', '1']).optional(),
});

export const searchQuery = z.object({
  q: z.string().max(64).refine((s) => !s.includes('\0'), 'NUL not allowed').default(''),
  limit: limit(200),
});

export const listQuery = z.object({ limit: limit(500) });

export const roundsQuery = z.object({ limit: limit(500), map: pathText.optional() });

export const breakdownQuery = z.object({
  by: z.enum(['date', 'map']).default('date'),
  map: pathText.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: limit(1000),
});

export const heatmapQuery = z.object({ layer: z.enum(HEAT_LAYERS).default('kills') });

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Parses a flat query-string record; the error text names the offending parameter. Empty values count
 * as absent, so an HTML form with blank optional fields (`?map=&from=`) means "no filter".
 */
export function parseQuery<T>(schema: z.ZodType<T>, query: Record<string, string>): ParseResult<T> {
  const present = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, error: `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}` };
}
