import crypto from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import { isCityAdmin } from '../admin/admin-scope.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { Open311KeyRecord, Open311Store } from './ports.js';

/**
 * Open311 API keys (GeoReport v2 "Requires API Key" on POST Service Request). The city admin issues a key
 * to a named client; the key is shown once and only its SHA-256 is stored (the key is 32 random bytes, so a
 * plain hash cannot be reversed by guessing). A revoked key answers 403, as the spec's errors section says.
 */
const KEY_PREFIX = 'fc311_';
/** What lists show of a key: its first characters, enough to tell keys apart, useless to call with. */
const SHOWN_CHARS = KEY_PREFIX.length + 6;

export const hashKey = (key: string): string => crypto.createHash('sha256').update(key, 'utf8').digest('hex');

function store(deps: Deps): Open311Store {
  if (!deps.open311) throw new AppError('service.unavailable', 'Open311 接口暂不可用');
  return deps.open311;
}

function requireCityAdmin(deps: Deps, user: CurrentUser): void {
  if (!isCityAdmin(user, deps.org)) throw new AppError('auth.forbidden', '只有市级管理员可以管理 Open311 密钥');
}

export interface IssuedKey {
  key: string;
  record: Open311KeyRecord;
}

export async function issueOpen311Key(deps: Deps, user: CurrentUser, name: string): Promise<IssuedKey> {
  requireCityAdmin(deps, user);
  const key = KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
  const at = deps.clock.now();
  const keyPrefix = key.slice(0, SHOWN_CHARS);
  const record = await store(deps).insertKey({ name, keyHash: hashKey(key), keyPrefix, createdBy: user.id, at }, (id) => ({
    at, actorId: user.id, actorRole: 'admin', action: 'open311_key.issue', entityType: 'open311_key', entityId: id, orgNodeCode: user.orgNodeCode,
    before: null, after: { name, keyPrefix },
  }));
  return { key, record };
}

export async function listOpen311Keys(deps: Deps, user: CurrentUser): Promise<Open311KeyRecord[]> {
  requireCityAdmin(deps, user);
  return store(deps).listKeys();
}

export async function revokeOpen311Key(deps: Deps, user: CurrentUser, id: string): Promise<Open311KeyRecord> {
  requireCityAdmin(deps, user);
  const at = deps.clock.now();
  const revoked = await store(deps).revokeKey(id, at, (before) => ({
    at, actorId: user.id, actorRole: 'admin', action: 'open311_key.revoke', entityType: 'open311_key', entityId: id, orgNodeCode: user.orgNodeCode,
    before: { name: before.name, keyPrefix: before.keyPrefix, revokedAt: before.revokedAt?.toISOString() ?? null }, after: { revokedAt: at.toISOString() },
  }));
  if (!revoked) throw new AppError('not_found', 'Open311 密钥不存在');
  return revoked;
}

/** The key a client sent, checked: missing, unknown and revoked keys are all 403 (spec, "General Errors"). */
export async function authenticateOpen311Key(deps: Deps, key: string | undefined): Promise<Open311KeyRecord> {
  if (!key) throw new AppError('auth.forbidden', '缺少 api_key');
  if (!key.startsWith(KEY_PREFIX) || key.length > 100) throw new AppError('auth.forbidden', 'api_key 无效');
  const record = await store(deps).keyByHash(hashKey(key));
  if (!record) throw new AppError('auth.forbidden', 'api_key 无效');
  if (record.revokedAt) throw new AppError('auth.forbidden', 'api_key 已被吊销');
  return record;
}
