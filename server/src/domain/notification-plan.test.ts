import { describe, expect, it } from '@jest/globals';
import { onDutySlot } from './duty-roster.js';
import { digestLine, matchRoutes, notificationKey, robotMarkdown, routesFor, templateValues, topicsThatNotify, type Route } from './notification-plan.js';

const routes: Record<string, Route[]> = {
  'case.verify': [{ audience: 'reporter', template: 'case_progress', when: { toState: 'closed' } }],
  'case.dispatch': [
    { audience: 'on_duty', template: 'case_task' },
    { audience: 'holder', template: 'case_task', when: { holderLevel: ['community', 'street'] } },
    { audience: 'group:city', template: 'case_task', when: { complexity: 'urgent' } },
  ],
};

describe('who hears what', () => {
  it('tells the reporter when verification closes the case, not when it sends it back for rework', () => {
    expect(matchRoutes(routes, { topic: 'case.verify', toState: 'closed' })).toHaveLength(1);
    expect(matchRoutes(routes, { topic: 'case.verify', toState: 'in_progress' })).toHaveLength(0);
  });
  it('tells the city group of urgent dispatches only, and holders above the grid only', () => {
    const toGrid = matchRoutes(routes, { topic: 'case.dispatch', holderLevel: 'grid', complexity: 'simple' }).map((r) => r.audience);
    expect(toGrid).toEqual(['on_duty']);
    const urgentToStreet = matchRoutes(routes, { topic: 'case.dispatch', holderLevel: 'street', complexity: 'urgent' }).map((r) => r.audience);
    expect(urgentToStreet).toEqual(['on_duty', 'holder', 'group:city']);
  });
  it('has no route for an event nobody configured', () => {
    expect(matchRoutes(routes, { topic: 'case.sign' })).toEqual([]);
  });
});

describe('message content', () => {
  const facts = { caseNo: 'DL20261127-000123', category: '暴露垃圾', state: 'dispatched' as const, place: '桃源街道第3社区网格07', time: new Date('2026-11-27T01:00:00Z'), dueAt: new Date('2026-11-28T01:00:00Z'), note: null, holder: '桃源街道第3社区网格07' };
  it('fills template fields from the case facts by the configured mapping', () => {
    expect(templateValues({ character_string1: 'caseNo', phrase3: 'stateText', time4: 'dueAt' }, facts)).toEqual({
      character_string1: 'DL20261127-000123',
      phrase3: '已派遣',
      time4: '2026-11-28 09:00',
    });
  });
  it('states what happened in the card title, from the event, whatever the case became later', () => {
    expect(robotMarkdown('case.dispatch', { ...facts, state: 'dispatched' }, null)).toContain('> 状态：已派遣');
    expect(robotMarkdown('clock.double', { ...facts, level: 'double' }, null).split('\n')[0]).toBe('### 【严重超期】DL20261127-000123');
    expect(robotMarkdown('duty.failover_b', facts, null).split('\n')[0]).toBe('### 【协助处置】DL20261127-000123');
  });
  it('writes a digest line with the deadline in Beijing time', () => {
    expect(digestLine(facts)).toBe('- DL20261127-000123 暴露垃圾｜桃源街道第3社区网格07｜时限 2026-11-28 09:00');
  });
  it('builds every dedupe key in one format: event, occurrence, recipient', () => {
    expect(notificationKey('case.dispatch', 'c1@v3', 'u-7')).toBe('case.dispatch|c1@v3|u-7');
  });
  it('writes the group robot a Chinese markdown card with the deadline in Dalian time', () => {
    const md = robotMarkdown('case.dispatch', facts, null);
    expect(md.split('\n')[0]).toBe('### 【新派遣案件】DL20261127-000123');
    expect(md).toContain('> 时限：2026-11-28 09:00');
  });
  it('rotates A and B duty by day of the month in Asia/Shanghai', () => {
    expect(onDutySlot(new Date('2026-11-26T17:00:00Z'))).toBe('B'); // 27th, 01:00 local
    expect(onDutySlot(new Date('2026-11-27T17:00:00Z'))).toBe('A'); // 28th
  });
});

describe('per-category and per-node routes', () => {
  const defaults: Record<string, Route[]> = { 'case.dispatch': [{ audience: 'on_duty', template: 'case_task' }] };
  const overrides = {
    byCategory: { '01001': { 'case.dispatch': [{ audience: 'group:district', template: 'case_task' } as Route] } },
    byNode: { '210202': { 'case.dispatch': [{ audience: 'group:street', template: 'case_task' } as Route] } },
  };
  it('uses a category\'s own routes first, then the nearest org node\'s, then the defaults', () => {
    const path = ['210202001010001', '21020200101', '210202001', '210202', '210200'];
    expect(routesFor(defaults, overrides, 'case.dispatch', '01001', path)['case.dispatch']![0]!.audience).toBe('group:district');
    expect(routesFor(defaults, overrides, 'case.dispatch', '06010', path)['case.dispatch']![0]!.audience).toBe('group:street');
    expect(routesFor(defaults, overrides, 'case.dispatch', '06010', ['210203001010001', '210203'])['case.dispatch']![0]!.audience).toBe('on_duty');
  });
});

describe('topicsThatNotify', () => {
  it('names the topics some default route or override can notify, and no other', () => {
    const topics = topicsThatNotify(
      { 'case.register': [{ audience: 'reporter', template: 'case_progress' }], 'case.sign': [] },
      { byCategory: { '01001': { 'case.sign': [{ audience: 'on_duty', template: 'case_task' }] } }, byNode: { '210202': { 'clock.red': [] } } },
    );
    expect([...topics].sort()).toEqual(['case.register', 'case.sign']);
  });
});
