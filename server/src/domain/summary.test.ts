import { describe, expect, it } from '@jest/globals';
import { onTimeRate, periodBounds, rank, renderSummary, type UnitFigures } from './summary.js';

const u = (code: string, name: string, created: number, closed: number, closedOnTime: number, overdue: number): UnitFigures => ({ code, name, created, closed, closedOnTime, overdue });

describe('the 08:00 summary', () => {
  it('covers yesterday in Asia/Shanghai when it runs at 08:00 local time', () => {
    const b = periodBounds('daily', new Date('2026-11-27T00:00:00Z')); // 08:00 in Dalian
    expect(b.start.toISOString()).toBe('2026-11-25T16:00:00.000Z');
    expect(b.end.toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(b.label).toBe('2026-11-26');
  });

  it('covers the previous seven days on Monday and the previous month on the 1st', () => {
    const w = periodBounds('weekly', new Date('2026-11-30T00:00:00Z')); // Monday 08:00
    expect(w.label).toBe('2026-11-23 至 2026-11-29');
    const m = periodBounds('monthly', new Date('2026-12-01T00:00:00Z'));
    expect(m.label).toBe('2026-11');
    expect(m.start.toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });

  it('ranks districts by on-time closure rate, then by fewer overdue cases', () => {
    const ranked = rank([u('210202', '中山区', 10, 10, 8, 1), u('210203', '西岗区', 5, 4, 4, 0), u('210204', '沙河口区', 3, 0, 0, 2), u('210211', '甘井子区', 8, 5, 4, 3)]);
    expect(ranked.map((x) => x.name)).toEqual(['西岗区', '中山区', '甘井子区', '沙河口区']);
    expect(onTimeRate(u('x', 'x', 0, 0, 0, 0))).toBeNull();
  });

  it('writes the city group a ranked table with totals', () => {
    const text = renderSummary('daily', '2026-11-26', '大连市', [u('210202', '中山区', 10, 10, 8, 1), u('210203', '西岗区', 5, 4, 4, 0)]);
    expect(text).toBe(
      [
        '### 大连市城市精细化管理日报（2026-11-26）',
        '> 新增 **15** 件，办结 **14** 件，超期 **1** 件，按期结案率 **85.7%**',
        '',
        '| 排名 | 单位 | 新增 | 办结 | 超期 | 按期结案率 |',
        '|---|---|---|---|---|---|',
        '| 1 | 西岗区 | 5 | 4 | 0 | 100.0% |',
        '| 2 | 中山区 | 10 | 10 | 1 | 80.0% |',
      ].join('\n'),
    );
  });

  it('writes a district group its own line without a table', () => {
    const text = renderSummary('daily', '2026-11-26', '沙河口区', [u('210204', '沙河口区', 3, 0, 0, 2)]);
    expect(text).toContain('按期结案率 **—**');
    expect(text).not.toContain('| 排名 |');
  });
});
