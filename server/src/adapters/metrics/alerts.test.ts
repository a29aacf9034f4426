import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { loadConfig, SANDBOX_DEFAULTS } from '../../config.js';
import type { Database } from '../postgres/database.js';
import { METRIC_NAMES, prometheusMetrics } from './prometheus.js';

// deploy/prometheus/alerts.yml must parse, keep the shape Prometheus reads
// (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/), and name only metrics this app
// exports: an alert on a renamed metric never fires, which no one notices until the outage it was for.

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

const file = path.resolve('deploy/prometheus/alerts.yml');
const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
const rules = doc.groups.flatMap((g) => g.rules);

/** Every series name the exposition can hold: each # TYPE's family and, for histograms and summaries, their parts. */
async function exported(): Promise<Set<string>> {
  // A database that holds nothing: the scrape still writes every family's # HELP and # TYPE.
  const database = { kind: 'pglite', db: { execute: async () => ({ rows: [] }) }, close: async () => {} } as unknown as Database;
  const m = prometheusMetrics({ database, queues: () => null, redis: () => null, prefix: 'test', now: () => new Date() });
  m.observeRequest('/healthz', 'GET', 200, 0.001);
  const text = (await m.scrape()).body;
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name! + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name! + s);
  }
  return names;
}

/** PromQL keywords and modifiers (https://prometheus.io/docs/prometheus/latest/querying/operators/). */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** The metric names an expression reads: label matchers, strings, ranges, grouping clauses and function calls removed. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const out: string[] = [];
  for (const m of bare.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2]) continue; // a function or an aggregation: rate(, max(, time(
    if (KEYWORDS.has(m[1]!.toLowerCase())) continue;
    out.push(m[1]!);
  }
  return out;
}

describe('METRICS_TOKEN', () => {
  const prod = {
    WECHAT_SANDBOX: 'false', AUTH_SECRET: 'a'.repeat(40), WECHAT_MP_APP_ID: 'wx1234', WECHAT_MP_APP_SECRET: 'real-mp-secret',
    WECHAT_OA_APP_ID: 'wx5678', WECHAT_OA_TOKEN: 'realtoken123', WECHAT_OA_AES_KEY: 'B'.repeat(43), WECHAT_API_BASE: 'https://api.weixin.qq.com',
    WECHAT_OA_APP_SECRET: 'real-oa-secret', WECOM_API_BASE: 'https://qyapi.weixin.qq.com', SMS_API_BASE: 'https://sms.example.gov.cn', SMS_API_KEY: 'real-sms-key',
    PUBLIC_BASE_URL: 'https://cg.example.gov.cn',
  };
  it('has the sandbox default with the sandbox on, none (GET /metrics is 404) with it off, and never the default in production', () => {
    expect(loadConfig({}).metricsToken).toBe(SANDBOX_DEFAULTS.metricsToken);
    expect(loadConfig(prod).metricsToken).toBeNull();
    expect(loadConfig({ ...prod, METRICS_TOKEN: 'prometheus-scrape-token-0123456789' }).metricsToken).toBe('prometheus-scrape-token-0123456789');
    expect(() => loadConfig({ ...prod, METRICS_TOKEN: SANDBOX_DEFAULTS.metricsToken })).toThrow(/METRICS_TOKEN still has its sandbox default/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN is at least 16 characters/);
  });
});

describe('deploy/prometheus/alerts.yml', () => {
  it('has alerting rules in the shape Prometheus reads', () => {
    expect(doc.groups.length).toBeGreaterThan(0);
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const r of rules) {
      expect(typeof r.alert).toBe('string');
      expect(r.alert).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(typeof r.expr).toBe('string');
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smhd]$/);
      expect(['critical', 'warning']).toContain(r.labels?.severity);
      expect(typeof r.annotations?.summary).toBe('string');
      expect(Object.keys(r).every((k) => ['alert', 'expr', 'for', 'labels', 'annotations', 'keep_firing_for'].includes(k))).toBe(true);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('names only metrics the app exports', async () => {
    const names = await exported();
    expect(names.has(METRIC_NAMES.outboxLag)).toBe(true);
    expect(names.has('nodejs_eventloop_lag_seconds')).toBe(true);
    for (const r of rules) {
      const used = metricNames(r.expr as string);
      expect({ alert: r.alert, used: used.length > 0 }).toEqual({ alert: r.alert, used: true });
      for (const n of used) expect({ alert: r.alert, metric: n, exported: names.has(n) }).toEqual({ alert: r.alert, metric: n, exported: true });
    }
  });

  it('covers the outbox lag over 60 s, the notification failure rate and a sweep that stopped', () => {
    const reading = (metric: string) => rules.filter((r) => metricNames(r.expr as string).includes(metric));
    expect(reading(METRIC_NAMES.outboxLag).map((r) => r.expr)).toEqual([expect.stringMatching(/>\s*60\b/)]);
    expect(reading(METRIC_NAMES.notificationAttempts).map((r) => r.expr)).toEqual([expect.stringMatching(/outcome=~"permanent\|transient"/)]);
    expect(reading(METRIC_NAMES.sweepLast).map((r) => r.expr)).toEqual([expect.stringMatching(/time\(\)\s*-\s*max\(finecity_overdue_sweep_last_run_timestamp_seconds\)\s*>\s*\d+/)]);
  });

  it('finds the metric names of an expression, and only those', () => {
    expect(metricNames('sum by (channel) (rate(a_total{outcome=~"x|y"}[5m])) / on(job) b_seconds > 0.1 and absent(c)')).toEqual(['a_total', 'b_seconds', 'c']);
    expect(metricNames('time() - max(x_ts) > 300')).toEqual(['x_ts']);
  });
});
