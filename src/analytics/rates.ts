/**
 * Rates are computed from sums and counts (never stored averages, field lesson 28) and clamped to
 * [0, 1] (field lesson 30): a numerator can exceed its denominator when the two come from different
 * aggregates or from legacy data, and a rate above 100% must never reach a leaderboard.
 */
import type { Rate } from './types.ts';

export function rate(numerator: number, denominator: number): Rate {
  if (!(denominator > 0)) return { value: null, numerator, denominator };
  const value = Math.min(1, Math.max(0, numerator / denominator));
  return { value, numerator, denominator };
}

/** K/D is a ratio, not a rate: kills / deaths, and kills when there are no deaths. */
export function killDeathRatio(kills: number, deaths: number): number {
  return deaths > 0 ? kills / deaths : kills;
}

/** Mean of a sum over a count; null when nothing was counted. */
export function mean(sum: number, count: number): number | null {
  return count > 0 ? sum / count : null;
}
