import { describe, expect, it } from '@jest/globals';
import type { UserDirectory, UserRecord } from '../../usecases/account-repositories.js';
import { withRecentUsers } from './recent-users.js';

const alice: UserRecord = { id: 'u1', name: '张三', roles: ['inspector'], orgNodeCode: 'G1', dutySlot: 'A', openid: 'o1' };

function counting(records: Map<string, UserRecord>): { dir: UserDirectory; reads: () => number } {
  let n = 0;
  const dir = {
    byId: async (id: string) => {
      n++;
      return records.get(id) ?? null;
    },
  } as unknown as UserDirectory;
  return { dir, reads: () => n };
}

describe('withRecentUsers', () => {
  it('answers repeat reads within the window from memory, and reads again after it', async () => {
    let t = 1000;
    const records = new Map([['u1', alice]]);
    const { dir, reads } = counting(records);
    const users = withRecentUsers(dir, 2000, () => t);
    expect(await users.byId('u1')).toEqual(alice);
    expect(await users.byId('u1')).toEqual(alice);
    expect(reads()).toBe(1);
    records.set('u1', { ...alice, roles: ['community'] });
    t += 1999;
    expect((await users.byId('u1'))!.roles).toEqual(['inspector']);
    t += 1;
    expect((await users.byId('u1'))!.roles).toEqual(['community']);
    expect(reads()).toBe(2);
  });

  it('forgets a user at once (a deactivation in this process)', async () => {
    const records = new Map([['u1', alice]]);
    const { dir, reads } = counting(records);
    const users = withRecentUsers(dir, 60_000, () => 1000);
    await users.byId('u1');
    records.set('u1', { ...alice, status: 'deactivated' });
    expect((await users.byId('u1'))!.status).toBeUndefined();
    users.forget!('u1');
    expect((await users.byId('u1'))!.status).toBe('deactivated');
    expect(reads()).toBe(2);
  });

  it('never remembers an unknown id, and a zero window reads every time', async () => {
    const records = new Map<string, UserRecord>();
    const { dir, reads } = counting(records);
    const users = withRecentUsers(dir, 2000);
    expect(await users.byId('u1')).toBeNull();
    records.set('u1', alice);
    expect(await users.byId('u1')).toEqual(alice);
    const uncached = withRecentUsers(dir, 0);
    await uncached.byId('u1');
    await uncached.byId('u1');
    expect(reads()).toBe(4);
  });
});
