/**
 * Operations metrics and readiness, as ports: the HTTP layer records requests and serves the exposition
 * through these, and no use case or route imports the metrics library (adapters/metrics/ implements them).
 */
export interface Metrics {
  /**
   * One HTTP request answered. `route` is the router's path template (`/api/v1/cases/:id`), or a fixed word
   * for what no route matched: never the raw URL, so the label set stays bounded.
   */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** The overdue sweep finished a pass (the alert "sweep not running" watches its time). */
  sweepRan(at: Date): void;
  /** The exposition (Prometheus text format); gauges that need a query are read here, cached a few seconds. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export type CheckResult = 'ok' | 'failed' | 'not_configured';

/** GET /readyz: can this process serve? The database (select 1) and Redis (PING), each with a short timeout. */
export interface Readiness {
  check(): Promise<{ database: CheckResult; redis: CheckResult }>;
}
