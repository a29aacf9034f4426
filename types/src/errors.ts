// Stable error codes. The HTTP status for each code is fixed here so that every client agrees.
export const ERROR_STATUS = {
  'request.invalid': 400,
  'request.malformed_json': 400,
  'auth.required': 401,
  'auth.invalid_token': 401,
  'auth.wechat_code_invalid': 401,
  'auth.wechat_user_blocked': 403,
  'auth.wechat_unavailable': 503,
  'auth.forbidden': 403,
  'not_found': 404,
  'case.not_found': 404,
  'org.not_found': 404,
  'case.transition_not_allowed': 409,
  'case.version_conflict': 409,
  'case.reopen_window_passed': 409,
  'case.already_rated': 409,
  'case.merge_target_invalid': 409,
  'case.no_pending_extension': 409,
  'case.extension_pending': 409,
  'dispatch.target_invalid': 422,
  'org.unknown': 422,
  'category.unknown': 422,
  'content.rejected': 422,
  'location.outside_service_area': 422,
  'idempotency.key_reused': 422,
  'photo.missing': 422,
  'photo.too_many': 413,
  'photo.too_large': 413,
  'photo.empty': 422,
  'photo.unsupported_type': 415,
  'photo.too_many_pixels': 422,
  'photo.corrupt': 422,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'rate_limited': 429,
  'internal': 500,
  'service.unavailable': 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}
