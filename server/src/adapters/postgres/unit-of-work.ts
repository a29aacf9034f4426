import type { TxPorts, UnitOfWork } from '../../usecases/repositories.js';
import { pgAccountabilityStore } from './accountability-repository.js';
import { pgAuditLog } from './audit-repository.js';
import { pgCaseCommentStore } from './case-comment-repository.js';
import { pgCaseRepository } from './case-repository.js';
import type { Database, DbOrTx } from './database.js';
import { pgIdempotencyKeys } from './idempotency-repository.js';
import { pgStaffAccountStore } from './invitation-repository.js';
import { pgOfficialAccountStore } from './official-account-repository.js';
import { pgOutbox } from './outbox-repository.js';
import { pgOrgGridStore } from './org-import-repository.js';
import { pgPolicyTxStore } from './policy-repository.js';
import { pgStaffRoster } from './staff-repository.js';
import { pgPointsLedger } from './points-repository.js';

/**
 * The ports bound to one connection or transaction. For the pool of a PostgreSQL server (never a
 * transaction): `deferredCommit`, a report commits without waiting for the disk, then waits on a shared flush
 * barrier; `namedStatements`, it runs as a named prepared statement (case-repository.ts).
 */
export function portsOn(db: DbOrTx, o: { deferredCommit?: boolean; namedStatements?: boolean } = {}): TxPorts {
  return { cases: pgCaseRepository(db, o), audit: pgAuditLog(db), outbox: pgOutbox(db), idempotency: pgIdempotencyKeys(db), officialAccount: pgOfficialAccountStore(db), staff: pgStaffRoster(db), staffAccounts: pgStaffAccountStore(db), policy: pgPolicyTxStore(db), orgGrids: pgOrgGridStore(db),
    accountability: pgAccountabilityStore(db), comments: pgCaseCommentStore(db), points: pgPointsLedger(db) };
}

/** `uow.run(async (tx) => …)`: one database transaction, the ports bound to it. */
export function pgUnitOfWork(database: Database): UnitOfWork {
  return { run: (work) => database.db.transaction((tx) => work(portsOn(tx))) };
}
