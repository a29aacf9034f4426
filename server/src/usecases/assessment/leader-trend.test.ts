import { describe, expect, it } from '@jest/globals';
import { beijingDayIndex } from '../../domain/shanghai-time.js';
import { bucketTrend } from './leader-trend.js';

const day = (beijing: string) => beijingDayIndex(new Date(`${beijing}T12:00:00+08:00`).getTime());

describe('bucketTrend', () => {
  it('gives every day from the first to the last, zeros included, with Beijing dates and labels', () => {
    const points = bucketTrend([{ day: day('2026-11-02'), reported: 3, closed: 1 }], day('2026-11-01'), day('2026-11-03'), 'day');
    expect(points).toEqual([
      { date: '2026-11-01', label: '11月1日', reported: 0, closed: 0 },
      { date: '2026-11-02', label: '11月2日', reported: 3, closed: 1 },
      { date: '2026-11-03', label: '11月3日', reported: 0, closed: 0 },
    ]);
  });

  it('sums weeks from Monday, cutting the first week at the period start', () => {
    // 2026-01-01 is a Thursday: its week is cut to Thu–Sun; 2026-01-05 is the first Monday.
    const rows = [
      { day: day('2026-01-01'), reported: 1, closed: 0 },
      { day: day('2026-01-04'), reported: 2, closed: 1 },
      { day: day('2026-01-05'), reported: 4, closed: 2 },
      { day: day('2026-01-11'), reported: 8, closed: 0 },
    ];
    const points = bucketTrend(rows, day('2026-01-01'), day('2026-01-12'), 'week');
    expect(points.map((p) => [p.date, p.reported, p.closed])).toEqual([['2026-01-01', 3, 1], ['2026-01-05', 12, 2], ['2026-01-12', 0, 0]]);
  });

  it('ignores counts outside the range', () => {
    expect(bucketTrend([{ day: day('2026-10-31'), reported: 5, closed: 5 }], day('2026-11-01'), day('2026-11-01'), 'day')).toEqual([{ date: '2026-11-01', label: '11月1日', reported: 0, closed: 0 }]);
  });
});
