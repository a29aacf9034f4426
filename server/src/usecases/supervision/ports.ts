import type { AccountabilityKind } from '@finecity/types';

/**
 * 问责 and talking on a case (issue 10, items 4 and 5), as the use cases see persistence. The PostgreSQL
 * implementations are adapters/postgres/accountability-repository.ts and case-comment-repository.ts; both
 * are bound to a transaction (TxPorts.accountability, TxPorts.comments).
 */

export interface AccountabilityRecord {
  id: string;
  orgNodeCode: string;
  kind: AccountabilityKind;
  note: string;
  caseNos: string[];
  byName: string;
  at: Date;
}

export interface NewAccountability {
  orgNodeCode: string;
  kind: AccountabilityKind;
  note: string;
  caseIds: string[];
  createdBy: string;
  at: Date;
}

/** A case named by its number, with what the caller's scope is judged on. */
export interface CaseRef {
  id: string;
  caseNo: string;
  locationPath: string;
  responsiblePath: string | null;
}

export interface AccountabilityStore {
  insert(r: NewAccountability): Promise<{ id: string }>;
  /** Records of units whose org path starts with `underPath`, newest first. */
  list(underPath: string, page: { limit: number; offset: number }): Promise<{ items: AccountabilityRecord[]; total: number }>;
  /** The cases with these numbers (those that exist). */
  casesByNo(caseNos: string[]): Promise<CaseRef[]>;
}

export interface CommentRecord {
  id: string;
  caseId: string;
  authorId: string;
  authorName: string;
  authorRole: string;
  body: string;
  public: boolean;
  mentions: string[];
  createdAt: Date;
}

export type NewComment = Omit<CommentRecord, 'id' | 'authorName'>;

export interface CaseCommentStore {
  insert(c: NewComment): Promise<{ id: string }>;
  /** A case's comments, oldest first. */
  list(caseId: string): Promise<CommentRecord[]>;
  /** Staff attached to these units (not their subtrees), for @name mentions. */
  staffAt(orgCodes: string[]): Promise<{ id: string; name: string }[]>;
}
