import { ASSESSMENT_LEVEL_LABELS, ASSESSMENT_PERIOD_LABELS, COMPANY_INDICATOR_KEYS, INDICATOR_KEYS, INDICATOR_LABELS, type IndicatorKey, type ScorecardDto } from '@finecity/types';
import { formatBeijing } from '../../domain/shanghai-time.js';
import type { Deps } from '../deps.js';
import type { SheetSpec } from '../admin/spreadsheets.js';

/** The tie rule as people read it (config/assessment.json notes; domain/assessment/score.ts). */
export const TIE_RULE_TEXT = '按综合指标值从高到低排名；相同时依次比较按期结案率（高者在前）、超期数（少者在前）、结案数（多者在前）；四项均相同者名次并列，下一名次顺延（如 1、2、2、4）；无综合指标值的单位列在最后，不排名。';

const FIXED_COLUMNS = [
  { header: '排名', width: 8 },
  { header: '单位编码', width: 18 },
  { header: '单位名称', width: 26 },
  { header: '综合指标值', width: 12 },
];

/** The company-only indicators (发现量 … 漏查率) are columns of the company sheet only. */
const keysFor = (card: ScorecardDto): readonly IndicatorKey[] =>
  card.level === 'company' ? INDICATOR_KEYS : INDICATOR_KEYS.filter((k) => !(COMPANY_INDICATOR_KEYS as readonly string[]).includes(k));

function levelSheet(card: ScorecardDto, name: string): SheetSpec {
  const keys = keysFor(card);
  return {
    name,
    columns: [...FIXED_COLUMNS, ...keys.map((k) => ({ header: INDICATOR_LABELS[k], width: Math.max(10, INDICATOR_LABELS[k].length * 2 + 2) }))],
    rows: card.rows.map((r) => [r.rank, r.orgNodeCode, r.name, r.score, ...keys.map((k) => r.indicators[k])]),
  };
}

const betterText = (b: 'higher' | 'lower') => (b === 'higher' ? '越高越好' : '越低越好（以 100 − 比率计）');

function notesSheet(deps: Pick<Deps, 'policy'>, cards: ScorecardDto[]): SheetSpec {
  const a = deps.policy.assessment;
  const first = cards[0];
  const rows: (string | number | null)[][] = [
    ['考核周期', first ? `${ASSESSMENT_PERIOD_LABELS[first.period]} ${first.label}` : ''],
    ['数据版本', first ? (first.published ? `已公布第 ${first.version} 版（${first.publishedAt ? formatBeijing(new Date(first.publishedAt)) : ''}）` : '未公布（实时数据）') : ''],
    ['更正原因', first?.reason ?? ''],
    ['公式版本', first?.formulaVersion ?? a.formulaVersion],
    ['综合指标值', '= Σ 权重 × 得分 ÷ Σ 权重（仅计本期有分母的指标）；比率越高越好者得分为比率，越低越好者得分为 100 − 比率；0–100，保留一位小数'],
    ['并列规则', TIE_RULE_TEXT],
  ];
  for (const [key, w] of Object.entries(a.weights)) if (w) rows.push([`权重：${INDICATOR_LABELS[key as keyof typeof INDICATOR_LABELS]}`, w.weight, betterText(w.better)]);
  for (const [key, w] of Object.entries(a.squadWeights)) if (w) rows.push([`小分队权重：${INDICATOR_LABELS[key as keyof typeof INDICATOR_LABELS]}`, w.weight, betterText(w.better)]);
  for (const [key, w] of Object.entries(a.companyWeights)) if (w) rows.push([`第三方公司权重：${INDICATOR_LABELS[key as keyof typeof INDICATOR_LABELS]}`, w.weight, betterText(w.better)]);
  rows.push(['第三方公司漏查', `执法巡查、市民或 12345 在合同网格、巡查时段内上报，而公司在此前 ${a.companyMissWindowHours} 小时内未上报同网格同类问题的，计为漏查`]);
  return { name: '说明', columns: [{ header: '项目', width: 24 }, { header: '内容', width: 80 }, { header: '备注', width: 30 }], rows };
}

/** The XLSX of one or more scorecards: one sheet per level (Chinese headers), then a sheet with the formula, weights and tie rule. */
export async function scorecardWorkbook(deps: Pick<Deps, 'policy' | 'sheets'>, cards: ScorecardDto[]): Promise<Buffer> {
  const used = new Set<string>();
  const sheets = cards.map((c) => {
    let name = ASSESSMENT_LEVEL_LABELS[c.level];
    while (used.has(name)) name = `${name}_`;
    used.add(name);
    return levelSheet(c, name);
  });
  return deps.sheets.write([...sheets, notesSheet(deps, cards)]);
}
