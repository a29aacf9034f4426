import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';

describe('DATABASE_REPLICA_URL', () => {
  const primary = 'postgres://finecity@127.0.0.1:5432/finecity';
  const replica = 'postgres://finecity@127.0.0.1:5433/finecity';

  it('is off unless set, and an empty value (config/env.example) is the same as unset', () => {
    expect(loadConfig({ DATABASE_URL: primary }).databaseReplicaUrl).toBeNull();
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: '' }).databaseReplicaUrl).toBeNull();
  });

  it('names the replica beside the primary', () => {
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: replica }).databaseReplicaUrl).toBe(replica);
  });

  it('refuses a replica without a PostgreSQL primary, and a value that is not a URL', () => {
    expect(() => loadConfig({ DATABASE_REPLICA_URL: replica })).toThrow(/DATABASE_REPLICA_URL needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: 'replica-host' })).toThrow(/DATABASE_REPLICA_URL/);
  });
});
