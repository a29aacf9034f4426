import type { Role } from '@finecity/types';

/** One line of the audit log: who did what to which entity, with the state before and after. */
export interface AuditEntry {
  at: Date;
  actorId: string | null;
  /** The role the actor acted in (`system` for jobs). */
  actorRole: Role | 'system';
  /** A dotted verb: `staff.import`, `staff.bind`, `staff.deactivate`, `duty.update`, `calendar.update`, … */
  action: string;
  entityType: string;
  entityId: string | null;
  /** The unit the entity belongs to: a district admin reads only the entries under their district. */
  orgNodeCode: string | null;
  before: unknown;
  after: unknown;
  note?: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  actorName: string | null;
  /** The entity in words: a person's name, a unit's or category's name, a case's number. */
  entityName: string | null;
}

export interface AuditFilter {
  actorId?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  /** Only entries whose unit lies under this path prefix ('/210200/210202/'), or have no unit when null is not allowed. */
  underPath?: string;
  page: number;
  pageSize: number;
}

/**
 * The audit log port. Append-only: `record` is the only write, and it is meant to run inside the
 * transaction of the change it records (TxPorts.audit), so a change and its audit line commit together.
 */
export interface AuditLog {
  record(entry: AuditEntry | AuditEntry[]): Promise<void>;
  list(filter: AuditFilter): Promise<{ items: AuditRecord[]; total: number }>;
}
