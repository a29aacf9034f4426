/**
 * An address in words → FineCity's own place (issue 11: a partner ticket with an address and no point).
 * Pure: the caller passes the places (district, street, community and grid names from the org tree).
 *
 * Rule: among the places whose full name appears in the address, the longest name wins (the most specific
 * words); at equal length the deeper level wins (a community over a street of the same length). Names are
 * compared after folding full-width ASCII and removing whitespace, so "中山区 人民路街道" matches "人民路街道".
 * The city node is not a match (every Dalian address names the city), nor are handling units.
 */
export interface NamedPlace {
  code: string;
  name: string;
  level: string;
  path: string;
}

const DEPTH: Record<string, number> = { district: 1, street: 2, community: 3, grid: 4 };

/** Full-width ASCII (U+FF01–U+FF5E) to half-width, whitespace (incl. U+3000) removed. */
export function foldAddress(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000]+/g, '');
}

export function matchAddress<P extends NamedPlace>(address: string, places: readonly P[]): P | null {
  const text = foldAddress(address);
  if (!text) return null;
  let best: { place: P; len: number; depth: number } | null = null;
  for (const p of places) {
    const depth = DEPTH[p.level];
    if (depth === undefined) continue;
    const name = foldAddress(p.name);
    if (name.length < 2 || !text.includes(name)) continue;
    if (!best || name.length > best.len || (name.length === best.len && depth > best.depth)) best = { place: p, len: name.length, depth };
  }
  return best?.place ?? null;
}
