import type { BatchAction, BatchItemResult } from '@finecity/types';
import { isAppError } from '../domain/errors.js';
import { actOnCase, type ActionInput } from './act-on-case.js';
import type { CurrentUser, Deps } from './deps.js';

/** A batch as the route validated it: each item's body already checked against its action's schema. */
export interface BatchInput {
  action: BatchAction;
  items: { caseId: string; version?: number; body: Record<string, unknown> }[];
}

/**
 * POST /api/v1/cases/batch: each item is one single action, run through actOnCase in its own transaction,
 * so permissions, state rules, the event, outbox notifications and partner callbacks are exactly those of
 * the single action. Items run one after another (the same dispatcher's cases often share a grid and its
 * rows); a failure is that item's result and the next item still runs.
 */
export async function actOnCases(deps: Deps, user: CurrentUser, input: BatchInput, onInternal: (err: unknown, caseId: string) => void = () => {}): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = [];
  for (const item of input.items) {
    try {
      const { row } = await actOnCase(deps, user, item.caseId, { action: input.action, ...item.body } as ActionInput, [], item.version === undefined ? {} : { expectedVersion: item.version });
      results.push({ caseId: item.caseId, caseNo: row.caseNo, ok: true, status: row.state as BatchItemResult['status'] });
    } catch (err) {
      if (!isAppError(err)) onInternal(err, item.caseId);
      results.push({
        caseId: item.caseId,
        ok: false,
        status: null,
        error: isAppError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: '服务器内部错误，该案件未办理' },
      });
    }
  }
  return results;
}
