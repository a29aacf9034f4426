import type { MessageFacts } from '../../domain/notification-plan.js';
import { categoryName, createAndQueue, notice, placeOf, staffTo } from './plan.js';
import type { NewNotification, NotifyDeps, OutboxEvent } from './ports.js';

/** The outbox topic of a comment that mentions someone (written by usecases/supervision/comments.ts). */
export const COMMENT_TOPIC = 'case.comment';

/**
 * Who a comment's mentions reach, resolved when the comment was written: the staff of units up the case's
 * chain (@街道, @社区, @区, @网格员), the leaders at units of that chain (@领导), and people by name.
 */
export interface CommentNoticePayload {
  commentId: string;
  authorId: string;
  authorName: string;
  /** The comment's text, shortened for a message. */
  excerpt: string;
  units: string[];
  leadersAt: string[];
  users: string[];
}

/**
 * One notification per person mentioned (never the author), and a card in the WeCom group of each unit
 * mentioned that has one. The occurrence is the comment, so a replayed outbox row tells nobody twice.
 */
export async function planCommentNotices(d: NotifyDeps, ev: OutboxEvent): Promise<number[]> {
  const c = ev.caseId ? await d.notices.caseForNotice(ev.caseId) : null;
  if (!c) return [];
  const p = ev.payload as unknown as CommentNoticePayload;
  const holder = c.responsibleCode ? d.org.get(c.responsibleCode) : undefined;
  const facts: MessageFacts = {
    caseNo: c.caseNo, category: categoryName(d, c.categoryCode), state: c.state, place: placeOf(d, c), time: ev.createdAt,
    dueAt: c.dueAt, note: `${p.authorName}：${p.excerpt}`, holder: holder?.name ?? null,
  };
  const people = new Set(p.users);
  for (const code of p.units) for (const id of await d.recipients.staffAt(code)) people.add(id);
  for (const code of p.leadersAt) for (const id of await d.recipients.withRole(code, 'leader')) people.add(id);
  people.delete(p.authorId);
  const occurrence = `comment-${p.commentId}`;
  const base = { event: COMMENT_TOPIC, occurrence, caseId: c.id, template: 'case_task', facts };
  const rows: NewNotification[] = [...people].map((id) => notice(d, { ...base, to: staffTo(id) }));
  for (const code of p.units) {
    if (d.robotKey(code)) rows.push(notice(d, { ...base, to: { kind: 'group', key: `g-${code}`, group: code } }));
  }
  return createAndQueue(d, rows);
}
