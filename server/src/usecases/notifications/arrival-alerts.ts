import { formatBeijing } from '../../domain/shanghai-time.js';
import { isSquad, minutesText } from '../../domain/squad-clock.js';
import type { NotifyDeps } from './ports.js';

export interface ArrivalJob {
  caseId: string;
  version: number;
  /** The arrival deadline the timer was set for (ISO). */
  arriveDueAt: string;
}

/**
 * A quick squad's arrival deadline passed (大政办发〔2018〕125号 三(三): 抢修小分队 "5分钟到场"). The timer acts
 * only while the case still waits for that squad on that deadline: dispatched to a squad, not signed on site.
 * A re-dispatch, an escalation or the squad's on-site sign makes it stale. The alert goes through the outbox
 * (topic `clock.arrival_overdue`, routed by config/notifications.json: the squad and the unit above it).
 */
export async function onArrivalTimer(d: NotifyDeps, job: ArrivalJob): Promise<'acted' | 'stale'> {
  return d.deadlines.run(async (tx) => {
    const c = await tx.lock(job.caseId);
    if (!c || c.state !== 'dispatched' || c.arrivedAt || c.arriveDueAt?.toISOString() !== job.arriveDueAt) return 'stale';
    const squad = c.responsibleCode ? d.org.get(c.responsibleCode) : undefined;
    const type = squad?.unitType;
    if (!squad || !isSquad(type)) return 'stale';
    const minutes = d.policy.assessment.squads[type].arriveMinutes;
    const note = `应在派遣后${minutesText(minutes)}内到场签到（${formatBeijing(new Date(job.arriveDueAt))}前），至今未到场`;
    const payload = { level: 'arrival_overdue', version: c.version, dueAt: job.arriveDueAt, note };
    await tx.outbox.append([{ topic: 'clock.arrival_overdue', caseId: c.id, payload }], d.clock.now());
    return 'acted';
  });
}
