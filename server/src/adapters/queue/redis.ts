import { Redis } from 'ioredis';

/**
 * Two kinds of Redis connection: workers block on Redis and must wait for it (maxRetriesPerRequest
 * null, as BullMQ requires); producers on the request path or in the relay must fail fast when Redis is
 * down, so that the API keeps working and the relay simply tries again later.
 */
export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

export function producerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, retryStrategy: (n) => Math.min(n * 200, 2000) });
}
