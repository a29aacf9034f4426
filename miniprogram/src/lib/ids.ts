/** An Idempotency-Key the server accepts (8–100 chars of [A-Za-z0-9_.:-]); one per report draft. */
export function newIdempotencyKey(now: number = Date.now(), random: () => number = Math.random): string {
  const rnd = Array.from({ length: 3 }, () => Math.floor(random() * 0x100000000).toString(36)).join('')
  return `rpt-${now.toString(36)}-${rnd}`
}
