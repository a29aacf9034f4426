import type { Role } from '@finecity/types';

export type StaffStatus = 'invited' | 'active' | 'deactivated';

/** A staff member as the roster sees them. */
export interface StaffRecord {
  id: string;
  name: string;
  mobile: string | null;
  roles: Role[];
  orgNodeCode: string | null;
  /** Grid inspectors' A/B post; null for everyone else. */
  dutySlot: 'A' | 'B' | null;
  status: StaffStatus;
  wecomUserid: string | null;
}

/** A listed staff member, with the unit's name. */
export interface StaffListRecord extends StaffRecord {
  orgNodeName: string | null;
}

/** What an import writes for one person (mobile is the match key and never changes). */
export interface StaffFields {
  name: string;
  mobile: string;
  roles: Role[];
  orgNodeCode: string;
  dutySlot: 'A' | 'B' | null;
  /** null: leave as it is (an update) or none (a new person). */
  wecomUserid: string | null;
}

export interface StaffListFilter {
  /** Staff whose unit lies under this path prefix ('/210200/210202/'). */
  underPath: string;
  /** A name substring or, when it is a full mobile number, that number exactly. */
  q?: string;
  status?: StaffStatus;
  page: number;
  pageSize: number;
}

/** Staff records: reads for the list, and the roster import's writes (inside `uow.run`, TxPorts.staff). */
export interface StaffRoster {
  /** Holds the roster's write lock until the transaction ends (imports run one at a time). */
  lockRoster(): Promise<void>;
  /** Everyone (staff or not) holding one of these mobiles. */
  byMobiles(mobiles: string[]): Promise<StaffRecord[]>;
  /** Who holds each of these WeCom userids now. */
  byWecomUserids(ids: string[]): Promise<{ id: string; wecomUserid: string }[]>;
  /** New people, status `invited`, no openid; answers their ids in the same order. */
  create(rows: StaffFields[]): Promise<string[]>;
  update(id: string, fields: StaffFields): Promise<void>;
  list(f: StaffListFilter): Promise<{ items: StaffListRecord[]; total: number }>;
}
