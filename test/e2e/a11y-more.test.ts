// The accessibility audit's second part (see a11y-suite.ts).
// @expectedSeconds 180
import { auditSuite, AUDIT_PARTS } from './a11y-suite.js';

auditSuite('H5 accessibility audit (second part): keyboard, names, 44 px targets, 320 px, requests', AUDIT_PARTS.second);
