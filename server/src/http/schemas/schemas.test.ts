import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import type {
  ActionBodies, CaseListFilter, DispatchBody, HandleBody, LoginRequest, OrgUnitsQuery, ReportFields, StatsFilter, SubscriptionsRequest, WeChatPushQuery,
} from '@finecity/types';
import type { handleFields } from './actions.js';
import { ACTION_BODIES } from './actions.js';
import type { pushQuery } from './official-account.js';
import type { loginBody, unitsQuery } from './queries.js';
import { caseListQuery, statsQuery } from './queries.js';
import { reportFields } from './reports.js';
import { subscriptionsBody } from './subscriptions.js';

// `satisfies z.ZodType<T>` checks one way only: an optional field added to one side would slip through.
// These check that each schema's parsed output has exactly the declared keys.
type SameKeys<S extends z.ZodType, T> = [keyof z.output<S>] extends [keyof T] ? ([keyof T] extends [keyof z.output<S>] ? true : false) : false;
const sameKeys: {
  [A in keyof ActionBodies]: SameKeys<(typeof ACTION_BODIES)[A], ActionBodies[A]>;
} & {
  handleFields: SameKeys<typeof handleFields, HandleBody>;
  reportFields: SameKeys<typeof reportFields, ReportFields>;
  caseListQuery: SameKeys<typeof caseListQuery, CaseListFilter>;
  statsQuery: SameKeys<typeof statsQuery, StatsFilter>;
  unitsQuery: SameKeys<typeof unitsQuery, OrgUnitsQuery>;
  loginBody: SameKeys<typeof loginBody, LoginRequest>;
  subscriptionsBody: SameKeys<typeof subscriptionsBody, SubscriptionsRequest>;
  pushQuery: SameKeys<typeof pushQuery, WeChatPushQuery>;
} = {
  register: true, reject: true, merge: true, dispatch: true, sign: true, return: true, escalate: true, handle: true,
  'request-extension': true, 'decide-extension': true, suspend: true, verify: true, reopen: true, rate: true, supervise: true,
  handleFields: true, reportFields: true, caseListQuery: true, statsQuery: true, unitsQuery: true, loginBody: true, subscriptionsBody: true, pushQuery: true,
};

describe('request schemas and the shapes in @finecity/types', () => {
  it('declare the same fields (checked by the compiler)', () => {
    expect(Object.values(sameKeys).every(Boolean)).toBe(true);
  });

  it('accept a body typed with the shared shape unchanged', () => {
    const body: DispatchBody = { orgNodeCode: 'G-001', complexity: 'complex', note: '请尽快处置' };
    expect(ACTION_BODIES.dispatch.parse(body)).toEqual(body);
  });

  it('read the multipart strings of a report into ReportFields', () => {
    const fields: ReportFields = reportFields.parse({ categoryCode: '0101', description: '井盖缺失', lat: '38.9146', lng: '121.6147', anonymous: 'true' });
    expect(fields).toEqual({ categoryCode: '0101', description: '井盖缺失', lat: 38.9146, lng: 121.6147, anonymous: true });
  });

  it('fill the case list defaults the client may leave out', () => {
    expect(caseListQuery.parse({ due: 'red,overdue' })).toEqual({ due: ['red', 'overdue'], mine: false, pendingExtension: false, page: 1, pageSize: 20 });
    expect(statsQuery.parse({})).toEqual({ period: 'month' });
  });

  it('refuse a subscribe answer WeChat never gives', () => {
    expect(subscriptionsBody.safeParse({ results: { t1: 'accept' } }).success).toBe(true);
    expect(subscriptionsBody.safeParse({ results: { t1: 'maybe' } }).success).toBe(false);
  });
});
