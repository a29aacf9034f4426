/**
 * Ports of channel intake (issue 11): the tickets already taken, the nonces seen, the companies that may
 * send, the places' centroids, the 待定位 queue and an attachment fetcher. Implemented in
 * adapters/postgres/channel-intake-repository.ts and adapters/http-fetch/.
 */

/** A ticket already taken: the case it became and the hash of the request that made it. */
export interface ChannelTicketRef {
  caseId: string;
  caseNo: string;
  requestHash: string;
  locationPending: boolean;
}

/** A case in the 待定位 queue, as a dispatcher reads it. */
export interface UnlocatedCase {
  caseId: string;
  caseNo: string;
  content: string;
  address: string | null;
  source: string;
  channelId: string | null;
  ticketNo: string | null;
  receivedAt: Date | null;
  createdAt: Date;
}

/** Where a 待定位 case is pinned: the located place's columns and the event that records it. */
export interface PinnedLocation {
  lat: number;
  lng: number;
  gridCode: string | null;
  communityCode: string | null;
  streetCode: string | null;
  districtCode: string;
  locationPath: string;
}

export interface ChannelIntakeStore {
  findTicket(channelId: string, ticketNo: string): Promise<ChannelTicketRef | null>;
  /**
   * Records a nonce for the channel; false when it was already seen after `since` (a replay). Rows older
   * than `since` are pruned by the same call now and then.
   */
  claimNonce(channelId: string, nonce: string, now: Date, since: Date): Promise<boolean>;
  /**
   * Called once per nonce claimed elsewhere (a ticket's own statement: CaseRepository.insertReport): now and
   * then deletes the nonces seen before `before`, as claimNonce does.
   */
  pruneNonces(now: Date, before: Date): Promise<void>;
  /** The company exists (its channel is `tp-<id>`). */
  companyExists(companyId: string): Promise<boolean>;
  /** The mean of the grid centroids under `path` (a place's point for the map); null: no grid there. */
  centroidUnder(path: string): Promise<{ lat: number; lng: number } | null>;
  /** 待定位 cases whose location path lies under `underPath`, oldest first. */
  unlocated(underPath: string, page: { limit: number; offset: number }): Promise<{ rows: UnlocatedCase[]; total: number }>;
  /**
   * Pins a 待定位 case (one statement): sets the place, clears location_pending, bumps the version and
   * appends the event; false when the case moved on (version) or is no longer pending.
   */
  pin(caseId: string, version: number, at: PinnedLocation, event: { actorId: string; actorRole: string; note: string | null; data: Record<string, unknown> }, now: Date): Promise<boolean>;
}

/** Fetches a partner's attachment by URL (SSRF-guarded, size- and time-limited). */
export interface AttachmentFetcher {
  fetch(url: string): Promise<Buffer>;
}
