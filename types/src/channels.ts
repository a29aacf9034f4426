// Intake channels (issue 11): partner platforms, the call centre, third-party companies and Open311.
// Names here are contracts with partners: they use them as written.

/** The fixed partner platforms: 12345 市长热线, 12319 城管服务热线, 民意网, 民心网. Companies are `tp-<companyId>`. */
export const PARTNER_CHANNELS = ['12345', '12319', 'minyi', 'minxin'] as const;
export type PartnerChannel = (typeof PARTNER_CHANNELS)[number];

/** A company id: 2–20 lower-case letters and digits; its channel is `tp-<id>`, its env prefix `CHANNEL_<ID upper>_`. */
export const COMPANY_ID = /^[a-z0-9]{2,20}$/;
export const companyChannel = (companyId: string): string => `tp-${companyId}`;

/** Partner names people read (console, sandbox, SMS). */
export const PARTNER_CHANNEL_LABELS: Record<PartnerChannel, string> = {
  '12345': '12345 市长热线',
  '12319': '12319 城管服务热线',
  minyi: '民意网',
  minxin: '民心网',
};

export const COORD_SYSTEMS = ['wgs84', 'gcj02', 'bd09'] as const;
export type CoordSystem = (typeof COORD_SYSTEMS)[number];

/** The body of `POST /api/v1/channels/{channelId}/tickets`. */
export interface ChannelTicket {
  ticketNo: string;
  /** ISO 8601 with offset, when the partner received it. */
  receivedAt: string;
  content: string;
  categoryCode?: string;
  categoryText?: string;
  address?: string;
  lat?: number;
  lng?: number;
  coordSystem?: CoordSystem;
  callerName?: string;
  callerPhone?: string;
  attachments?: ({ url: string } | { base64: string; name: string })[];
  urgent?: boolean;
}

/** Statuses a partner hears back: 受理, 派遣, 办结, 结案, 退回 (退单), 重新打开. */
export const CALLBACK_STATUSES = ['accepted', 'dispatched', 'handled', 'closed', 'rejected', 'reopened'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** The signed POST a partner's callback URL receives. `at` is ISO 8601 with +08:00. */
export interface ChannelCallback {
  ticketNo: string;
  caseNo: string;
  status: CallbackStatus;
  at: string;
  unit: string | null;
  note: string | null;
  photos?: string[];
}

/**
 * The reserved category of a ticket whose category is missing or not in a channel's mapping (issue 11): the
 * case is kept, held for the city platform to classify on registration. Disabled: never in a picker.
 */
export const UNCLASSIFIED_CATEGORY = { code: 'DL-000', name: '待分类' } as const;
