import type { ErrorCode } from '@finecity/types';

/**
 * An error the client may see: a stable code, a Chinese message for people, optional details.
 * Anything that is not an AppError is an internal error and is never shown (koa's `expose` idea).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
