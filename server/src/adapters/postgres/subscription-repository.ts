import { sql } from 'drizzle-orm';
import type { SubscriptionCredits } from '../../usecases/account-repositories.js';
import type { DbOrTx } from './database.js';
import { subscriptionCredits } from './schema.js';

export function pgSubscriptionCredits(db: DbOrTx): SubscriptionCredits {
  return {
    async add(userId, templateKey, added, at) {
      const rows = await db
        .insert(subscriptionCredits)
        .values({ userId, templateKey, credits: added, updatedAt: at })
        .onConflictDoUpdate({
          target: [subscriptionCredits.userId, subscriptionCredits.templateKey],
          set: { credits: sql`${subscriptionCredits.credits} + ${added}`, updatedAt: at },
        })
        .returning({ credits: subscriptionCredits.credits });
      return rows[0]?.credits ?? 0;
    },
    async setLongTerm(userId, templateKey, on, at) {
      await db
        .insert(subscriptionCredits)
        .values({ userId, templateKey, credits: 0, longTerm: on, updatedAt: at })
        .onConflictDoUpdate({ target: [subscriptionCredits.userId, subscriptionCredits.templateKey], set: { longTerm: on, updatedAt: at } });
    },
  };
}
