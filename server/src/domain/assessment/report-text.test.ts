import { describe, expect, it } from '@jest/globals';
import { bottom, byRank, overdueLines, patrolLines, rankingChart, totals, totalsLine, unitLines, type RankedUnit } from './report-text.js';

const unit = (name: string, rank: number | null, score: number | null, parent?: string): RankedUnit => ({ name, rank, score, onTimeRate: score, closed: 1, ...(parent ? { parent } : {}) });
const NOW = new Date('2026-11-25T00:00:00Z'); // 08:00 Beijing
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const CODE = /\b\d{5,}\b/;

describe('the group reports\' words', () => {
  it('lists the lowest ranked units lowest first, leaving out units with nothing to rank', () => {
    const units = [unit('甲街道', 1, 98), unit('乙街道', 2, 90), unit('丙街道', null, null), unit('丁街道', 3, 60, '中山区')];
    expect(bottom(units, 2).map((u) => u.name)).toEqual(['丁街道', '乙街道']);
    expect(byRank(units).map((u) => u.name)).toEqual(['甲街道', '乙街道', '丁街道', '丙街道']);
    expect(unitLines([units[3]!])).toEqual(['1. 丁街道（中山区），综合指标值 60.0，按期结案率 60.0%，第 3 名']);
  });

  it('totals the on-time rate over closed cases, and writes times in Beijing time without codes', () => {
    const rows = [
      { orgNodeCode: '210202', name: '中山区', score: 80, rank: 1, indicators: { reported: 4, closed: 3, overdue: 1, onTimeRate: 100 } },
      { orgNodeCode: '210203', name: '西岗区', score: 70, rank: 2, indicators: { reported: 2, closed: 1, overdue: 0, onTimeRate: 0 } },
    ] as never;
    expect(totalsLine(totals(rows))).toBe('> 上报 **6** 件，结案 **4** 件，按期结案率 **75.0%**，超期 **1** 件');
    const lines = overdueLines([{ caseNo: 'DL20261124-000002', category: '井盖缺失', place: '民主社区网格01', dueAt: new Date('2026-11-24T02:00:00Z'), holder: '民主社区网格01' }], 12, NOW);
    expect(lines[0]).toBe('**超期案件**（共 12 件，列出最早的 1 件）');
    expect(lines[1]).toBe('- DL20261124-000002，井盖缺失，民主社区网格01，时限 2026-11-24 10:00，已超 22 小时，承办：民主社区网格01');
    for (const l of lines) expect(l.replace(/DL\d{8}-\d{6}/, '')).not.toMatch(ISO);
    expect(overdueLines([], 0, NOW)).toEqual(['**超期案件**：无']);
  });

  it('counts patrol coverage and names the grids no inspector checked in', () => {
    const lines = patrolLines([
      { name: '网格01', street: '甲街道', found: 3, patrolReports: 1, checkedIn: true },
      { name: '网格02', street: '甲街道', found: 0, patrolReports: 0, checkedIn: false },
    ], 10).join('\n');
    expect(lines).toContain('> 网格 **2** 个，巡查覆盖 **1** 个，覆盖率 **50.0%**；发现问题 **3** 件，其中巡查上报 **1** 件');
    expect(lines).toContain('1. 网格01（甲街道），3 件，巡查上报 1 件');
    expect(lines).toContain('**无网格员签到的网格**（1 个）\n网格02（甲街道）');
    expect(lines).not.toMatch(CODE);
  });

  it('draws a ranking best on top and leaves out units without a figure rather than drawing them as 0', () => {
    const option = rankingChart('排名', '2026年11月', [{ name: '甲', value: 90 }, { name: '乙', value: null }, { name: '丙', value: 40 }], '综合指标值') as { yAxis: { data: string[] }; graphic: unknown[] };
    expect(option.yAxis.data).toEqual(['丙', '甲']);
    expect(option.graphic).toEqual([]);
    expect((rankingChart('排名', '', [{ name: '乙', value: null }], '') as { graphic: unknown[] }).graphic).toHaveLength(1);
  });
});
