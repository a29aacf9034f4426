import { z } from 'zod';
import { SUBSCRIBE_RESULTS, type SubscriptionsRequest } from '@finecity/types';

/** POST /api/v1/subscriptions: what the user answered to wx.requestSubscribeMessage, 1–5 templates. */
export const subscriptionsBody = z
  .object({ results: z.record(z.string().min(1).max(64), z.enum(SUBSCRIBE_RESULTS)).refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 5, '一次最多 5 个模板') })
  .strict() satisfies z.ZodType<SubscriptionsRequest>;
