import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Policy as data (config/*.json), validated at boot. Everything the city may change without a code
 * change lives here: categories and their departments, clocks, holidays, the org tree, duplicate rules.
 */
const point = z.tuple([z.number(), z.number()]);

const orgNodeSchema = z.object({
  code: z.string().min(1),
  parentCode: z.string().nullable(),
  level: z.enum(['city', 'district', 'street', 'community', 'grid']),
  name: z.string().min(1),
  polygon: z.array(point).min(4).optional(),
  boundary: z.array(z.array(z.array(point))).optional(),
  centroid: z.object({ lat: z.number(), lng: z.number() }).optional(),
  inspectors: z.array(z.string()).optional(),
});
export type OrgNodeSeedData = z.infer<typeof orgNodeSchema>;

const categorySchema = z.object({
  code: z.string().regex(/^(\d{5}|DL-[A-Z0-9-]+)$/),
  kind: z.enum(['matter', 'component']),
  name: z.string().min(1),
  bigClassCode: z.string(),
  bigClassName: z.string(),
  keywords: z.array(z.string()).default([]),
  department: z.string().min(1),
  common: z.boolean().default(false),
  urgent: z.boolean().default(false),
  hint: z.string().optional(),
  confusableWith: z.array(z.string()).default([]),
});
export type CategoryData = z.infer<typeof categorySchema>;

const categoriesFileSchema = z.object({
  standardRef: z.string(),
  categories: z.array(categorySchema).min(1),
  departments: z.array(z.object({ code: z.string().min(1), name: z.string().min(1) })).min(1),
});

const rulesSchema = z.object({
  duplicates: z.object({ distanceM: z.number().positive().max(5000), windowHours: z.number().positive().max(24 * 90) }),
  caseNoPrefix: z.string().regex(/^[A-Z]{1,4}$/),
  demoAccounts: z.object({ inspectorGrids: z.number().int().min(2).max(20) }),
  /** An inspector's check-in within this many metres of the reported point counts as on site. */
  checkIn: z.object({ radiusM: z.number().positive().max(5000) }).default({ radiusM: 200 }),
  /**
   * 积分 (issue 13, item 7): points for a resident's report once registered, and a bonus when it was the first
   * report of the problem (no earlier open case of the category within the duplicate rule). Nothing for a
   * report rejected or merged as a duplicate. The monthly list shows this many residents per district.
   */
  points: z
    .object({ registered: z.number().int().min(0).max(100), firstFinder: z.number().int().min(0).max(100), monthlyListSize: z.number().int().min(1).max(100) })
    .default({ registered: 2, firstFinder: 3, monthlyListSize: 10 }),
});

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/);
const calendarKind = z.enum(['natural', 'working']);
const hours = z.object({ simple: z.number().positive(), complex: z.number().positive(), urgent: z.number().positive() });
const override = z.object({ calendar: calendarKind.optional(), hours: hours.partial().optional() });
const limitOverride = z.object({ dalian: override.optional(), national: override.optional() });
const timeLimitsSchema = z.object({
  warn: z.object({ yellow: z.number().gt(0).lt(1), red: z.number().gt(0).lt(1) }).refine((w) => w.yellow < w.red, 'yellow must come before red'),
  workingHours: z.array(z.tuple([hhmm, hhmm])).min(1),
  defaults: z.object({ dalian: z.object({ calendar: calendarKind, hours }), national: z.object({ calendar: calendarKind, hours }) }),
  byBigClass: z.record(z.string().regex(/^\d{2}$/), limitOverride).default({}),
  byCategory: z.record(z.string(), limitOverride).default({}),
});
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const holidaysSchema = z.object({
  timezone: z.literal('Asia/Shanghai'),
  years: z.record(z.string().regex(/^\d{4}$/), z.object({ holidays: z.array(day), workdays: z.array(day) })),
});

const channelName = z.enum(['subscribe', 'oa_template', 'wecom_robot', 'sms']);
const routeSchema = z.object({
  audience: z.union([z.enum(['reporter', 'on_duty', 'holder', 'parent']), z.enum(['group:grid', 'group:community', 'group:street', 'group:district', 'group:city'])]),
  template: z.string(),
  when: z.object({ toState: z.string().optional(), holderLevel: z.array(z.string()).optional(), complexity: z.string().optional() }).optional(),
});
const notificationsSchema = z.object({
  templates: z.record(
    z.string(),
    z.object({
      /**
       * `longTermTemplateId`: the template's long-term (长期订阅) id, only where the account's service category
       * allows long-term messages (政务民生 and similar:
       * https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/subscribe-message-overview.html).
       * Remove it when the account does not qualify: residents then give one-time consents only.
       */
      subscribe: z.object({ templateId: z.string().min(1), page: z.string().min(1), longTermTemplateId: z.string().min(1).optional() }),
      oaTemplate: z.object({ templateId: z.string().min(1) }),
      sms: z.object({ templateCode: z.string().min(1) }),
      fields: z.record(z.string().regex(/^[a-z_]+\d+$/), z.string()),
    }),
  ),
  routes: z.record(z.string(), z.array(routeSchema)),
  /** Per-category and per-org-node replacements of a topic's routes (most specific wins). */
  overrides: z
    .object({
      byCategory: z.record(z.string(), z.record(z.string(), z.array(z.any()))).default({}),
      byNode: z.record(z.string(), z.record(z.string(), z.array(z.any()))).default({}),
    })
    .default({ byCategory: {}, byNode: {} }),
  channelOrder: z.object({ resident: z.array(channelName), staff: z.array(channelName), group: z.array(channelName) }),
  dutyFailover: z.object({ toBAfterMinutes: z.number().positive(), toCommunityAfterMinutes: z.number().positive() }),
  robot: z.object({ perMinute: z.number().int().positive().max(20), digestAfter: z.number().int().positive() }),
});
export type NotificationPolicy = z.infer<typeof notificationsSchema>;

/** Grid types of 大政办发〔2018〕125号 and who inspects each (config/grid-types.json; issue 9, grid import). */
const gridTypesSchema = z.object({
  types: z.record(
    z.string().min(1),
    z.object({
      inspectorKind: z.string().min(1),
      inspectorsPerGrid: z.object({ min: z.number().int().min(1), max: z.number().int().min(1) }).refine((n) => n.min <= n.max, 'min must not exceed max'),
      rotation: z.literal('AB').optional(),
      /** Other spellings accepted on import (e.g. half-width brackets). */
      aliases: z.array(z.string().min(1)).default([]),
      /** Per-type time limits: their semantics belong to the time limits; here only an object. */
      timeLimitOverrides: z.record(z.string(), z.unknown()).optional(),
    }),
  ).refine((t) => Object.keys(t).length > 0, 'at least one grid type'),
});
export type GridTypePolicy = z.infer<typeof gridTypesSchema>;

const weight = z.object({ weight: z.number().min(0).max(100), better: z.enum(['higher', 'lower']), source: z.string().min(1) });
const rateKeys = z.enum(['onTimeRate', 'onTimeRateNational', 'closeRate', 'responseRate', 'satisfactionRate', 'reworkRate', 'returnRate', 'extensionRate', 'supervisedOnTimeRate', 'selfHandledRate', 'arrivalOnTimeRate', 'fixOnTimeRate', 'companyValidRate', 'coverageRate', 'missRate']);
const weights = z.partialRecord(rateKeys, weight).refine((w) => Object.values(w).some((x) => x && x.weight > 0), 'at least one indicator needs a weight above 0');
const reward = z.object({ level: z.enum(['district', 'street', 'community', 'grid']), top: z.number().int().positive(), minOnTimeRate: z.number().min(0).max(100), note: z.string() });
const squad = z.object({ name: z.string().min(1), arriveMinutes: z.number().int().positive(), fixMinutes: z.number().int().positive(), source: z.string() });
/** config/assessment.json: the indicator engine's versioned formulas (issue 10). */
const assessmentSchema = z.object({
  formulaVersion: z.string().min(1),
  notes: z.array(z.string()).optional(),
  weights,
  squadWeights: weights,
  /** Third-party companies' 月评估 (issue 11). */
  companyWeights: weights,
  /** 漏查: another report counts as missed when the company reported nothing of the same category in the grid within this many hours before it. */
  companyMissWindowHours: z.number().positive().max(24 * 31),
  satisfiedAtLeast: z.number().int().min(1).max(5),
  responseMinutes: z.object({ A: z.number().int().positive(), B: z.number().int().positive() }),
  lists: z.object({
    red: z.object({ top: z.number().int().positive(), minScore: z.number().min(0).max(100), note: z.string() }),
    black: z.object({ bottom: z.number().int().positive(), maxScore: z.number().min(0).max(100), note: z.string() }),
  }),
  reward: z.object({ quarter: reward, year: reward }),
  squads: z.object({ repair_squad: squad, street_squad: squad }),
  schedules: z.object({ daily: z.string(), weekly: z.string(), monthly: z.string(), quarterly: z.string(), yearly: z.string() }),
});
export type AssessmentPolicy = z.infer<typeof assessmentSchema>;

/** config/channels.json (issue 11): each partner channel's own category names → GB/T codes. */
const channelsSchema = z.object({
  note: z.string().optional(),
  categoryMaps: z.record(z.string().regex(/^(12345|12319|minyi|minxin|tp|tp-[a-z0-9]{2,20})$/), z.record(z.string().trim().min(1).max(100), z.string())),
});
export type ChannelPolicy = z.infer<typeof channelsSchema>;

export interface Policy {
  notifications: NotificationPolicy;
  assessment: AssessmentPolicy;
  orgTree: OrgNodeSeedData[];
  categories: z.infer<typeof categoriesFileSchema>;
  rules: z.infer<typeof rulesSchema>;
  timeLimits: z.infer<typeof timeLimitsSchema>;
  holidays: z.infer<typeof holidaysSchema>;
  gridTypes: GridTypePolicy;
  /** Partner channels' category mappings (issue 11). */
  channels: ChannelPolicy;
}

function readJson(dir: string, file: string): unknown {
  const full = path.join(dir, file);
  try {
    return JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read policy file ${full}: ${(err as Error).message}`, { cause: err });
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, file: string, problems: string[]): T | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const i of r.error.issues.slice(0, 10)) problems.push(`${file}: ${i.path.join('.')}: ${i.message}`);
  return undefined;
}

export function loadPolicy(configDir: string): Readonly<Policy> {
  const problems: string[] = [];
  const tree = check(z.object({ nodes: z.array(orgNodeSchema).min(1) }), readJson(configDir, 'org-tree.json'), 'org-tree.json', problems);
  const categories = check(categoriesFileSchema, readJson(configDir, 'categories.json'), 'categories.json', problems);
  const rules = check(rulesSchema, readJson(configDir, 'rules.json'), 'rules.json', problems);
  const timeLimits = check(timeLimitsSchema, readJson(configDir, 'time-limits.json'), 'time-limits.json', problems);
  const holidays = check(holidaysSchema, readJson(configDir, 'holidays.json'), 'holidays.json', problems);
  const notifications = check(notificationsSchema, readJson(configDir, 'notifications.json'), 'notifications.json', problems);
  const gridTypes = check(gridTypesSchema, readJson(configDir, 'grid-types.json'), 'grid-types.json', problems);
  const assessment = check(assessmentSchema, readJson(configDir, 'assessment.json'), 'assessment.json', problems);
  const channels = check(channelsSchema, readJson(configDir, 'channels.json'), 'channels.json', problems);
  if (notifications) {
    for (const [topic, routes] of Object.entries(notifications.routes)) {
      for (const r of routes) if (!notifications.templates[r.template]) problems.push(`notifications.json: ${topic} names unknown template ${r.template}`);
    }
    for (const scope of [notifications.overrides.byCategory, notifications.overrides.byNode]) {
      for (const [key, topics] of Object.entries(scope)) {
        for (const [topic, list] of Object.entries(topics)) {
          const r = z.array(routeSchema).safeParse(list);
          if (!r.success) problems.push(`notifications.json: overrides ${key} ${topic}: ${r.error.issues[0]?.message}`);
          else for (const x of r.data) if (!notifications.templates[x.template]) problems.push(`notifications.json: overrides ${key} ${topic} names unknown template ${x.template}`);
        }
      }
    }
  }
  if (categories) crossCheckCategories(categories, problems);
  if (categories && channels) {
    const codes = new Set(categories.categories.map((c) => c.code));
    for (const [channel, map] of Object.entries(channels.categoryMaps)) {
      for (const [name, code] of Object.entries(map)) if (!codes.has(code)) problems.push(`channels.json: ${channel} "${name}" names unknown category ${code}`);
    }
  }
  if (categories && gridTypes) crossCheckGridTypeLimits(categories, gridTypes, problems);
  if (problems.length || !tree || !categories || !rules || !timeLimits || !holidays || !notifications || !gridTypes || !assessment || !channels) throw new Error(`Invalid policy in ${configDir}:\n  ${problems.join('\n  ')}`);
  return Object.freeze({ orgTree: tree.nodes, categories, rules, timeLimits, holidays, notifications, gridTypes, assessment, channels });
}

/** A grid type's `timeLimitOverrides`: category code → limits in the shape of time-limits.json's byCategory (issue 9, item 6). */
function crossCheckGridTypeLimits(c: z.infer<typeof categoriesFileSchema>, g: GridTypePolicy, problems: string[]): void {
  const codes = new Set(c.categories.map((x) => x.code));
  for (const [type, def] of Object.entries(g.types)) {
    for (const [code, value] of Object.entries(def.timeLimitOverrides ?? {})) {
      if (!codes.has(code)) problems.push(`grid-types.json: ${type} timeLimitOverrides names unknown category ${code}`);
      const r = limitOverride.strict().safeParse(value);
      if (!r.success) problems.push(`grid-types.json: ${type} timeLimitOverrides ${code}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
    }
  }
}

function crossCheckCategories(c: z.infer<typeof categoriesFileSchema>, problems: string[]): void {
  const depts = new Set(c.departments.map((d) => d.code));
  const codes = new Set<string>();
  for (const cat of c.categories) {
    if (codes.has(cat.code)) problems.push(`categories.json: duplicate code ${cat.code}`);
    codes.add(cat.code);
    if (!depts.has(cat.department)) problems.push(`categories.json: ${cat.code} names unknown department ${cat.department}`);
  }
}
