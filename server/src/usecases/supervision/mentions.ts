import type { OrgLevel } from '@finecity/types';
import type { Deps } from '../deps.js';
import type { CaseRecord } from '../repositories.js';

/** @-mentions of a role: the unit of the case's location chain at that level (@领导: leaders up the chain). */
const ROLE_MENTIONS: Readonly<Record<string, OrgLevel | 'leader'>> = {
  网格员: 'grid',
  社区: 'community',
  街道: 'street',
  区: 'district',
  领导: 'leader',
};

export interface Mentions {
  /** What was recognised, as written after the @ (role words and people's names). */
  names: string[];
  /** Units whose staff are told (and whose WeCom group, if any, gets a card). */
  units: string[];
  /** Units whose leaders are told. */
  leadersAt: string[];
  users: string[];
}

/**
 * The people a comment calls in. Roles resolve along the case's location chain (its grid, community,
 * street, district); names match staff attached to a unit of that chain or of the holder's chain, so a
 * comment can reach only people who work on this case's ground.
 */
export async function resolveMentions(deps: Deps, row: CaseRecord, body: string): Promise<Mentions> {
  const out: Mentions = { names: [], units: [], leadersAt: [], users: [] };
  if (!body.includes('@') && !body.includes('＠')) return out;
  const text = body.replace(/＠/g, '@');
  const chain = [...new Set([...codesOf(row.locationPath), ...codesOf(row.responsiblePath)])];
  const byLevel = (level: OrgLevel) => codesOf(row.locationPath).find((code) => deps.org.get(code)?.level === level);
  const staff = await deps.uow.run((tx) => tx.comments.staffAt(chain));
  // Longest first, so that "@区领导" is not read as "@区".
  for (const name of [...new Set(staff.map((s) => s.name))].sort((a, b) => b.length - a.length)) {
    if (!text.includes(`@${name}`)) continue;
    out.names.push(name);
    out.users.push(...staff.filter((s) => s.name === name).map((s) => s.id));
  }
  for (const [word, level] of Object.entries(ROLE_MENTIONS)) {
    if (!mentioned(text, word, out.names)) continue;
    if (level === 'leader') out.leadersAt.push(...chain.filter((code) => ['city', 'district'].includes(deps.org.get(code)?.level ?? '')));
    else {
      const code = byLevel(level);
      if (!code) continue;
      out.units.push(code);
    }
    out.names.push(word);
  }
  out.users = [...new Set(out.users)];
  return out;
}

/** `@word` written as a mention on its own, not as the start of a person's name already recognised. */
function mentioned(text: string, word: string, names: readonly string[]): boolean {
  let from = 0;
  for (;;) {
    const i = text.indexOf(`@${word}`, from);
    if (i < 0) return false;
    const rest = text.slice(i + 1);
    if (!names.some((n) => n.length > word.length && rest.startsWith(n))) return true;
    from = i + 1;
  }
}

const codesOf = (path: string | null): string[] => (path ?? '').split('/').filter(Boolean);
