/**
 * Whether the browser tests save their screenshots (docs/screenshots, artifacts/e2e): yes unless E2E_SHOTS=0.
 * CI sets 0: a picture nobody looks at costs a full-page raster and PNG encode (up to 1440×6000 px) each, and
 * the waits for toasts to clear before it. The checks made beside a picture (no sideways overflow) still run.
 */
export const SAVE_SHOTS = process.env.E2E_SHOTS !== '0';
