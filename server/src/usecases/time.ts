/** Asia/Shanghai has no daylight saving: the local day is UTC+8. */
export function shanghaiDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}
