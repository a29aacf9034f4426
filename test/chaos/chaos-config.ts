import fs from 'node:fs';
import path from 'node:path';

/** The report category the chaos run puts on a minute clock, so that cases go overdue within the run. */
export const FAST_CATEGORY = '06012';
/** Its Dalian limit, natural time: 1.5 minutes (yellow at 45 s, red at 72 s, overdue at 90 s). */
export const FAST_HOURS = 0.025;
/** Every other chaos report: 暴露垃圾, on the production limits. */
export const NORMAL_CATEGORY = '06010';

/**
 * A copy of config/ for the run (CONFIG_DIR), identical except that FAST_CATEGORY's Dalian clock runs in
 * minutes. Version 1 of the time-limit policy is read from CONFIG_DIR at a database's first start (README
 * "Categories and time limits are versioned data"), so the production defaults are untouched.
 */
export function chaosConfigDir(runDir: string, source = path.resolve('config')): string {
  const dir = path.join(runDir, 'config');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(source)) {
    const from = path.join(source, f);
    if (fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(dir, f));
  }
  const file = path.join(dir, 'time-limits.json');
  const limits = JSON.parse(fs.readFileSync(file, 'utf8')) as { byCategory?: Record<string, Record<string, unknown>> };
  const h = FAST_HOURS;
  limits.byCategory = {
    ...limits.byCategory,
    [FAST_CATEGORY]: {
      ...limits.byCategory?.[FAST_CATEGORY],
      dalian: { calendar: 'natural', hours: { urgent: h * 0.8, simple: h, complex: h * 1.2 } },
    },
  };
  fs.writeFileSync(file, JSON.stringify(limits, null, 2));
  return dir;
}
