// Transitional: the day key now lives in domain/shanghai-time.ts; this file goes once report-case.ts imports it from there.
export { shanghaiDay } from '../domain/shanghai-time.js';
