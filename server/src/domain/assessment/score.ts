import type { IndicatorKey, Indicators } from '@finecity/types';

export interface Weight {
  weight: number;
  better: 'higher' | 'lower';
}
export type Weights = Partial<Record<IndicatorKey, Weight>>;

/**
 * 综合指标值 = Σ wᵢ·sᵢ / Σ wᵢ over the weighted indicators that apply (have a denominator), where sᵢ is the
 * rate for a "higher is better" indicator and 100 − rate for a "lower is better" one. 0–100, one decimal;
 * null when no weighted indicator applies. Written out in the README and config/assessment.json.
 */
export function compositeScore(ind: Indicators, weights: Weights): number | null {
  let sum = 0;
  let total = 0;
  for (const [key, w] of Object.entries(weights) as [IndicatorKey, Weight][]) {
    const v = ind[key];
    if (v === null || v === undefined || w.weight <= 0) continue;
    sum += w.weight * (w.better === 'higher' ? v : 100 - v);
    total += w.weight;
  }
  return total > 0 ? Math.round((sum / total) * 10) / 10 : null;
}

export interface Rankable {
  orgNodeCode: string;
  score: number | null;
  indicators: Indicators;
}

/** Orders two units by the tie rule; 0 when they share a rank. */
function compare(a: Rankable, b: Rankable): number {
  const byDesc = (x: number | null, y: number | null) => (y ?? -1) - (x ?? -1);
  return (
    byDesc(a.score, b.score) ||
    byDesc(a.indicators.onTimeRate, b.indicators.onTimeRate) ||
    (a.indicators.overdue ?? 0) - (b.indicators.overdue ?? 0) ||
    (b.indicators.closed ?? 0) - (a.indicators.closed ?? 0)
  );
}

/**
 * Tie rule: by score, then 按期结案率, then fewer 超期数, then more 结案数. Units equal on all four share a
 * rank and the next rank skips (competition ranking: 1, 2, 2, 4); they are listed by code. Units without a
 * score are listed last with rank null.
 */
export function rank<T extends Rankable>(rows: readonly T[]): (T & { rank: number | null })[] {
  const sorted = [...rows].sort((a, b) => {
    if ((a.score === null) !== (b.score === null)) return a.score === null ? 1 : -1;
    return compare(a, b) || a.orgNodeCode.localeCompare(b.orgNodeCode);
  });
  const out: (T & { rank: number | null })[] = [];
  sorted.forEach((row, i) => {
    const prev = out[i - 1];
    const r = row.score === null ? null : prev && prev.rank !== null && compare(prev, row) === 0 ? prev.rank : i + 1;
    out.push({ ...row, rank: r });
  });
  return out;
}
