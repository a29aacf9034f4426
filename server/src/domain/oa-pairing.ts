/**
 * A report through the official account comes in two messages: a photo and a location, in either order,
 * within a window (config/official-account.json). Pure rules: which halves pair, how a pair is named so
 * WeChat's retries never make a second case, and what is kept when a pair cannot become a case.
 */
export interface PhotoHalf {
  kind: 'photo';
  mediaId: string;
  picUrl: string | null;
  /** When the follower sent it (the message's CreateTime). */
  at: Date;
}

export interface LocationHalf {
  kind: 'location';
  /** WGS-84. */
  lat: number;
  lng: number;
  label: string | null;
  at: Date;
}

export type Half = PhotoHalf | LocationHalf;

export type PairDecision =
  | { kind: 'pair'; photo: PhotoHalf; location: LocationHalf; pending: Half }
  /** The incoming half waits; `dropped` is the pending half it replaces (same kind, or too old). */
  | { kind: 'wait'; half: Half; dropped: 'none' | 'same_kind' | 'stale' };

export function decidePair(pending: Half | null, incoming: Half, windowMs: number): PairDecision {
  if (!pending) return { kind: 'wait', half: incoming, dropped: 'none' };
  if (pending.kind === incoming.kind) return { kind: 'wait', half: incoming, dropped: 'same_kind' };
  if (Math.abs(incoming.at.getTime() - pending.at.getTime()) > windowMs) return { kind: 'wait', half: incoming, dropped: 'stale' };
  const photo = (incoming.kind === 'photo' ? incoming : pending) as PhotoHalf;
  const location = (incoming.kind === 'location' ? incoming : pending) as LocationHalf;
  return { kind: 'pair', photo, location, pending };
}

/**
 * The idempotency key of a pair, the same whichever half came first and however often WeChat retries
 * (it retries a push 3 times when no answer comes within 5 s: https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html). A photo is named by its MediaId, a location by
 * the second it was sent: both survive in the pending row, which has no MsgId column.
 */
export function pairKey(photo: PhotoHalf, location: LocationHalf): string {
  return `oa:${photo.mediaId}|${Math.floor(location.at.getTime() / 1000)}`;
}

/** The pair key among `keys` that already consumed this half, if any: a retry answers with that case. */
export function consumedBy(keys: readonly string[], half: Half): string | null {
  for (const key of keys) {
    const m = /^oa:(.+)\|(\d+)$/.exec(key);
    if (!m) continue;
    if (half.kind === 'photo' && m[1] === half.mediaId) return key;
    if (half.kind === 'location' && Number(m[2]) === Math.floor(half.at.getTime() / 1000)) return key;
  }
  return null;
}

/**
 * When a pair is refused, the half at fault is dropped and the other waits, so the follower resends one
 * message, not two: a bad photo keeps the location, a place outside Dalian keeps the photo.
 */
export function halfToKeep(errorCode: string, pair: { photo: PhotoHalf; location: LocationHalf }): Half | null {
  if (errorCode.startsWith('photo.')) return pair.location;
  if (errorCode.startsWith('location.')) return pair.photo;
  return null;
}

/** "绑定 123456", "绑定123456" or the six digits alone; full-width digits are what some keyboards send. */
export function bindCodeIn(text: string): string | null {
  const ascii = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const m = /^\s*(?:绑定|bind)?\s*[:：]?\s*(\d{6})\s*$/i.exec(ascii);
  return m ? m[1]! : null;
}

/** Fills {name} placeholders in a reply text. */
export function fillText(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, k: string) => (k in values ? String(values[k]) : all));
}
