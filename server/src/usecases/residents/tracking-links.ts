import { AppError } from '../../domain/errors.js';
import { canSee, grantFor } from '../../domain/authorization.js';
import { scopeFacts } from '../access.js';
import type { CurrentUser, Deps } from '../deps.js';

/** Makes and checks a case's tracking tokens (adapters/auth/tracking-tokens.ts). */
export interface TrackingTokens {
  tokenFor(caseId: string, generation: number): string;
  /** The stored form of a token (the lookup key); the call centre's tokens are hashed the same way. */
  hash(token: string): string;
}

/** The current generation of each case's link (table case_tracking_tokens). */
export interface TrackingLinkStore {
  generation(caseId: string): Promise<number | null>;
  /** Sets the case's generation and the hash of its token (creating the row, or moving to the next generation). */
  save(caseId: string, generation: number, tokenHash: string, at: Date, revoked: boolean): Promise<void>;
}

export interface TrackingLinkPorts {
  tokens: TrackingTokens;
  store: TrackingLinkStore;
  /** Where the public H5 pages are served (PUBLIC_BASE_URL), without a trailing slash. */
  publicBaseUrl: string;
}

type LinkDeps = Pick<Deps, 'cases' | 'clock' | 'trackingLinks'>;

function ports(deps: Pick<Deps, 'trackingLinks'>): TrackingLinkPorts {
  if (!deps.trackingLinks) throw new AppError('service.unavailable', '查询链接暂不可用');
  return deps.trackingLinks;
}

const urlOf = (p: TrackingLinkPorts, token: string) => `${p.publicBaseUrl}/t/${token}`;

/** The case as the caller may see it, or 404. */
async function visible(deps: LinkDeps, user: CurrentUser, caseId: string) {
  const loaded = await deps.cases.load(caseId, user.id);
  const facts = loaded ? scopeFacts(user, loaded.row, loaded.callerFollows) : null;
  if (!loaded || !facts || !canSee(user.roles, facts)) throw new AppError('case.not_found', '案件不存在');
  return { row: loaded.row, facts };
}

/**
 * The case's tracking link (issue 13, item 4), made on first ask: for its reporter and followers to share
 * with family, and for staff to send a caller. Anyone holding it reads the public view of the case.
 */
export async function trackingLinkOf(deps: LinkDeps, user: CurrentUser, caseId: string): Promise<{ url: string }> {
  await visible(deps, user, caseId);
  return { url: await caseTrackingUrl(ports(deps), caseId, deps.clock.now()) };
}

/** The case's current tracking link, made on first use: for the reporter's own messages (no caller to authorize). */
export async function caseTrackingUrl(p: TrackingLinkPorts, caseId: string, now: Date): Promise<string> {
  let generation = await p.store.generation(caseId);
  if (generation === null) {
    generation = 1;
    await p.store.save(caseId, generation, p.tokens.hash(p.tokens.tokenFor(caseId, generation)), now, false);
  }
  return urlOf(p, p.tokens.tokenFor(caseId, generation));
}

/** A leaked link is withdrawn by the reporter or the district platform: the old one stops working, a new one is given. */
export async function revokeTrackingLink(deps: LinkDeps, user: CurrentUser, caseId: string): Promise<{ url: string }> {
  const { row, facts } = await visible(deps, user, caseId);
  if (row.reporterId !== user.id && !grantFor(user.roles, 'register', facts)) throw new AppError('auth.forbidden', '只有上报人或区级平台可以作废查询链接');
  const p = ports(deps);
  const generation = ((await p.store.generation(caseId)) ?? 0) + 1;
  await p.store.save(caseId, generation, p.tokens.hash(p.tokens.tokenFor(caseId, generation)), deps.clock.now(), true);
  return { url: urlOf(p, p.tokens.tokenFor(caseId, generation)) };
}
