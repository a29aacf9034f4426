// Shared contracts between the server, the mini-program and the tests. No runtime dependencies.
export * from './case.js';
export * from './errors.js';
export * from './dto.js';
export * from './limits.js';
export * from './requests.js';
export * from './assessment.js';
export * from './leader.js';
export * from './channels.js';
export * from './call-centre.js';
export * from './companies.js';
export * from './patrol.js';
export * from './coords.js';
export * from './residents.js';
export * from './public.js';
