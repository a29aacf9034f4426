// Stable error codes. The HTTP status for each code is fixed here so that every client agrees.
export const ERROR_STATUS = {
  'request.invalid': 400,
  'request.malformed_json': 400,
  'request.method_not_allowed': 405,
  'auth.required': 401,
  'auth.invalid_token': 401,
  'auth.wechat_code_invalid': 401,
  'auth.wechat_user_blocked': 403,
  'auth.wechat_unavailable': 503,
  'auth.wecom_code_invalid': 401, 'auth.wecom_not_member': 403, 'auth.wecom_user_deactivated': 403, 'auth.wecom_unavailable': 503, 'auth.wecom_not_configured': 503, 'calendar.invalid': 422,
  'auth.forbidden': 403,
  'auth.deactivated': 401, 'auth.invite_invalid': 401, 'auth.invite_locked': 429, 'auth.phone_unmatched': 404, 'staff.already_bound': 409, 'staff.openid_in_use': 409, 'staff.not_found': 404, 'staff.not_invitable': 409,
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
  'duty.invalid': 422,
  'org.unknown': 422,
  'category.unknown': 422, 'category.not_found': 404, 'category.disabled': 422, 'category.invalid': 422, 'category.has_open_cases': 409,
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
  'import.invalid_file': 422,
  'import.too_many_rows': 422,
  'request.unsupported_media_type': 415,
  // Assessment and supervision (issue 10).
  'assessment.period_invalid': 422, 'assessment.future_period': 422, 'assessment.level_out_of_scope': 403, 'assessment.not_published': 404,
  'assessment.period_not_over': 409, 'assessment.reason_required': 422, 'assessment.report_unknown': 422, 'assessment.reports_unavailable': 409,
  'supervision.invalid': 422, 'accountability.invalid': 422, 'comment.invalid': 422, 'squad.not_arrived': 409,
  // Partner intake and the 待定位 queue (issue 11).
  'channel.unknown': 404, 'channel.not_configured': 404, 'channel.signature_missing': 401, 'channel.signature_invalid': 401, 'channel.timestamp_stale': 401,
  'channel.nonce_reused': 401, 'channel.ticket_conflict': 409, 'channel.attachment_invalid': 422, 'channel.ticket_invalid': 422, 'case.location_not_pending': 409, 'category.unclassified': 422,
  'channel.callback_not_found': 404, 'channel.callback_already_sent': 409,
  // Third-party companies (issue 11, item 4).
  'company.invalid': 422, 'company.not_found': 404, 'patrol.outside_contract': 422,
  // Residents on the map (issue 13).
  'case.not_followable': 409,
  'rate_limited': 429,
  'internal': 500,
  'service.unavailable': 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}
