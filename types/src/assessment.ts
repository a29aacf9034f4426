import { STATS_PERIODS, type StatsPeriod } from './dto.js';

// Assessment and supervision contracts (issue 10): scorecards, published rankings, 督办, 问责, comments, squads.

/** Assessment periods: 日报告, 周巡查, 月评比, 季奖励, 年排名. */
export const ASSESSMENT_PERIODS = STATS_PERIODS;
export type AssessmentPeriod = StatsPeriod;

/**
 * Evaluation objects. Regions (区域评价, GB/T 30428.4) are counted by where the problem is; departments and
 * squads (部门评价) by the unit that held the case; inspectors (岗位评价) by grid post; the company by the
 * third-party reporter's company.
 */
export const ASSESSMENT_LEVELS = ['grid', 'community', 'street', 'district', 'department', 'squad', 'inspector', 'company'] as const;
export type AssessmentLevel = (typeof ASSESSMENT_LEVELS)[number];

/**
 * Every indicator a scorecard row carries. Counts are integers; rates are % with one decimal (null when
 * the denominator is 0); hours have one decimal. The meaning of each is written in the README.
 */
export const INDICATOR_KEYS = [
  'reported', // 上报数
  'validReported', // 有效上报数
  'registered', // 立案数
  'due', // 应结案数
  'closed', // 结案数
  'closeRate', // 结案率
  'onTimeRate', // 按期结案率 (Dalian clock)
  'onTimeRateNational', // 按期结案率 (national clock)
  'overdue', // 超期数
  'rework', // 返工数
  'reworkRate', // 返工率
  'returned', // 退回数
  'returnRate', // 退回率
  'extended', // 延期数
  'extensionRate', // 延期率
  'suspended', // 挂账数
  'avgHandlingHours', // 平均处置时长
  'responseRate', // 响应率
  'satisfactionRate', // 满意率
  'selfHandledRate', // 自处置率
  'publicReports', // 公众参与数
  'supervised', // 督办数
  'supervisedOnTimeRate', // 督办按期办结率
  'accountability', // 问责数
  'arrivalOnTimeRate', // 到场及时率 (squads)
  'fixOnTimeRate', // 处置及时率 (squads)
  // Third-party companies (issue 11, 月评估); null for every other level.
  'companyFinds', // 发现量
  'companyConfirmed', // 复核量
  'companyValidRate', // 有效率
  'companyClosed', // 办结量
  'coverageRate', // 覆盖率
  'missed', // 漏查数
  'missRate', // 漏查率
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];
export type Indicators = Record<IndicatorKey, number | null>;

/** The names people read, in the order tables and XLSX sheets show them. */
export const INDICATOR_LABELS: Record<IndicatorKey, string> = {
  reported: '上报数',
  validReported: '有效上报数',
  registered: '立案数',
  due: '应结案数',
  closed: '结案数',
  closeRate: '结案率(%)',
  onTimeRate: '按期结案率(%)',
  onTimeRateNational: '按期结案率·国标(%)',
  overdue: '超期数',
  rework: '返工数',
  reworkRate: '返工率(%)',
  returned: '退回数',
  returnRate: '退回率(%)',
  extended: '延期数',
  extensionRate: '延期率(%)',
  suspended: '挂账数',
  avgHandlingHours: '平均处置时长(小时)',
  responseRate: '响应率(%)',
  satisfactionRate: '满意率(%)',
  selfHandledRate: '自处置率(%)',
  publicReports: '公众参与数',
  supervised: '督办数',
  supervisedOnTimeRate: '督办按期办结率(%)',
  accountability: '问责数',
  arrivalOnTimeRate: '到场及时率(%)',
  fixOnTimeRate: '处置及时率(%)',
  companyFinds: '发现量',
  companyConfirmed: '复核量',
  companyValidRate: '有效率(%)',
  companyClosed: '办结量',
  coverageRate: '覆盖率(%)',
  missed: '漏查数',
  missRate: '漏查率(%)',
};

/** The company-only indicators (issue 11, 月评估): null on every other level. */
export const COMPANY_INDICATOR_KEYS = ['companyFinds', 'companyConfirmed', 'companyValidRate', 'companyClosed', 'coverageRate', 'missed', 'missRate'] as const;

export const ASSESSMENT_LEVEL_LABELS: Record<AssessmentLevel, string> = {
  grid: '网格',
  community: '社区',
  street: '街道',
  district: '区',
  department: '职能部门',
  squad: '小分队',
  inspector: '网格员岗位',
  company: '第三方公司',
};

export const ASSESSMENT_PERIOD_LABELS: Record<AssessmentPeriod, string> = {
  day: '日报告',
  week: '周巡查',
  month: '月评比',
  quarter: '季奖励',
  year: '年排名',
};

export interface ScorecardRowDto {
  orgNodeCode: string;
  name: string;
  indicators: Indicators;
  /** 综合指标值, 0–100 with one decimal; null when no weighted indicator has a denominator. */
  score: number | null;
  /** Competition rank (1, 2, 2, 4) by the tie rule; null when score is null. */
  rank: number | null;
}

export interface ScorecardDto {
  period: AssessmentPeriod;
  at: string;
  level: AssessmentLevel;
  /** The formula version of config/assessment.json the figures were computed with. */
  formulaVersion: string;
  /** Published snapshot version (1, 2 … after corrections); 0 for live, unpublished figures. */
  version: number;
  published: boolean;
  publishedAt: string | null;
  /** Why this version replaced the previous one (corrections only). */
  reason: string | null;
  /** People-readable period, e.g. 2026年11月. */
  label: string;
  rows: ScorecardRowDto[];
}

export interface PublicRankingRowDto {
  name: string;
  score: number | null;
  rank: number | null;
}

export interface PublicRankingsDto {
  period: 'month' | 'quarter' | 'year';
  at: string;
  label: string;
  version: number;
  publishedAt: string;
  districts: PublicRankingRowDto[];
  streets: (PublicRankingRowDto & { district: string })[];
  /** Third-party companies (公开: 发现量、复核量、办结量; issue 11). Absent in periods published before. */
  companies?: (PublicRankingRowDto & { finds: number | null; confirmed: number | null; closed: number | null })[];
}

export const ACCOUNTABILITY_KINDS = ['通报', '约谈', '诫勉', '通报批评', '责令整改'] as const;
export type AccountabilityKind = (typeof ACCOUNTABILITY_KINDS)[number];

export interface AccountabilityDto {
  id: string;
  orgNodeCode: string;
  orgNodeName: string;
  kind: AccountabilityKind;
  note: string;
  caseNos: string[];
  byName: string;
  at: string;
}

export interface CaseCommentDto {
  id: string;
  authorName: string;
  authorRole: string;
  body: string;
  /** Public replies are shown to residents; internal ones only to staff. */
  public: boolean;
  mentions: string[];
  at: string;
}

/** Handling-unit types (config: squads). 抢修小分队 per district, 便民小分队 per street. */
export const UNIT_TYPES = ['department', 'repair_squad', 'street_squad'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];
export const UNIT_TYPE_LABELS: Record<UnitType, string> = {
  department: '职能部门',
  repair_squad: '城管综合服务抢修小分队',
  street_squad: '便民服务小分队',
};
