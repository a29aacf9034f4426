// The accessibility audit's first half (see a11y-suite.ts), and the check that every page has a visit.
// @expectedSeconds 360
import { expect, it } from '@jest/globals';
import { appPages, auditSuite, FIRST_HALF, VISITS } from './a11y-suite.js';

it('plans a visit to every page of app.config.ts', () => {
  const visited = new Set(VISITS.map((v) => v.route));
  expect(appPages().filter((p) => !visited.has(p))).toEqual([]);
});

auditSuite('H5 accessibility audit: keyboard, names, 44 px targets, 320 px, requests', VISITS.slice(0, FIRST_HALF));
