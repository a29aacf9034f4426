// The accessibility audit's first part (see a11y-suite.ts), and the check that every page has a visit.
// @expectedSeconds 180
import { expect, it } from '@jest/globals';
import { appPages, auditSuite, AUDIT_PARTS, VISITS } from './a11y-suite.js';

it('plans a visit to every page of app.config.ts', () => {
  const visited = new Set(VISITS.map((v) => v.route));
  expect(appPages().filter((p) => !visited.has(p))).toEqual([]);
});

it('audits every visit in exactly one of the three files', () => {
  expect([...AUDIT_PARTS.first, ...AUDIT_PARTS.second, ...AUDIT_PARTS.keyboard]).toEqual(VISITS);
});

auditSuite('H5 accessibility audit: keyboard, names, 44 px targets, 320 px, requests', AUDIT_PARTS.first);
