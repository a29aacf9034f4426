import type { Effect } from '../domain/case-machine.js';
import { topicsThatNotify, type Route, type RouteOverrides } from '../domain/notification-plan.js';
import type { Deps } from './deps.js';
import { CALLBACK_TOPICS } from './channels/callbacks.js';

const notifyingByPolicy = new WeakMap<object, Set<string>>();

/**
 * The effects worth an outbox row: timers always, notifications only for events some route of
 * config/notifications.json can tell someone of. A report's `case.submit` or a sign tells nobody, so it
 * costs no outbox row, no relay pass and no planning job; the transition itself is in the case's events.
 */
export function effectsToRecord(deps: Pick<Deps, 'policy'>, effects: Effect[]): Effect[] {
  const n = deps.policy.notifications;
  let notifying = notifyingByPolicy.get(n);
  if (!notifying) {
    notifying = topicsThatNotify(n.routes as Record<string, Route[]>, n.overrides as RouteOverrides);
    notifyingByPolicy.set(n, notifying);
  }
  // A partner case tells its channel of these events (issue 11), whether or not a route tells a person.
  return effects.filter((e) => e.kind !== 'notify' || notifying.has(e.topic) || CALLBACK_TOPICS.has(e.topic));
}
