import type { CaseDto, ClockLevel } from '@finecity/types'

const URGENCY: Record<ClockLevel, number> = { overdue: 0, red: 1, yellow: 2, green: 3, none: 4, paused: 5, stopped: 6 }

/** Most urgent first: overdue, red, yellow, green; then the soonest due time. */
export function byUrgency(a: CaseDto, b: CaseDto): number {
  const la = URGENCY[a.deadline?.level ?? 'none']
  const lb = URGENCY[b.deadline?.level ?? 'none']
  if (la !== lb) return la - lb
  const da = a.deadline ? Date.parse(a.deadline.dueAt) : Infinity
  const db = b.deadline ? Date.parse(b.deadline.dueAt) : Infinity
  return da - db
}

export function countLevels(items: CaseDto[]): Record<'overdue' | 'red' | 'yellow' | 'green', number> {
  const n = { overdue: 0, red: 0, yellow: 0, green: 0 }
  for (const c of items) {
    const l = c.deadline?.level
    if (l === 'overdue' || l === 'red' || l === 'yellow' || l === 'green') n[l]++
  }
  return n
}
