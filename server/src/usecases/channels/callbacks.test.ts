import { describe, expect, it } from '@jest/globals';
import { beijingIso, callbackKey, callbackStatus } from './callbacks.js';

describe('partner callback statuses', () => {
  it('maps each case event a partner hears of to its status, and a failed verification to none', () => {
    expect(callbackStatus('case.register', 'registered')).toBe('accepted');
    expect(callbackStatus('case.dispatch', 'dispatched')).toBe('dispatched');
    expect(callbackStatus('case.handle', 'handled')).toBe('handled');
    expect(callbackStatus('case.verify', 'closed')).toBe('closed');
    expect(callbackStatus('case.verify', 'in_progress')).toBeNull();
    expect(callbackStatus('case.reject', 'rejected')).toBe('rejected');
    expect(callbackStatus('case.reopen', 'registered')).toBe('reopened');
    expect(callbackStatus('case.sign', 'in_progress')).toBeNull();
  });

  it('writes `at` in Beijing time with its offset, to the second', () => {
    expect(beijingIso(new Date('2026-12-02T01:31:05.678Z'))).toBe('2026-12-02T09:31:05+08:00');
    expect(beijingIso(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01T00:00:00+08:00');
  });

  it('deduplicates per case, version and status', () => {
    expect(callbackKey('c1', 3, 'dispatched')).toBe('cb:c1:v3:dispatched');
  });
});
