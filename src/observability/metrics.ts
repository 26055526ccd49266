import promClient from 'prom-client';
import type { Counter, Histogram, Registry } from 'prom-client';

/** Seconds; spans a cached health check (sub-ms) to a slow did:web or status-list fetch (seconds). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Prometheus metrics (docs/operations.md: GET /metrics). Label values are bounded by
 * construction — route templates, not raw URLs; check codes from the code
 * union; no policy ids, DIDs or client addresses — so a hostile client cannot
 * grow the registry.
 */
export class KpartyMetrics {
  readonly registry: Registry = new promClient.Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly decisions: Counter<'outcome'>;
  private readonly failedChecks: Counter<'code'>;
  private readonly fetchFailures: Counter<'reason'>;

  constructor() {
    promClient.collectDefaultMetrics({ register: this.registry, prefix: 'kparty_' });
    this.httpDuration = new promClient.Histogram({
      name: 'kparty_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.decisions = new promClient.Counter({
      name: 'kparty_verification_decisions_total',
      help: 'Presentation verifications by outcome (accepted, rejected)',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.failedChecks = new promClient.Counter({
      name: 'kparty_verification_failed_checks_total',
      help: 'Failed verification checks by check code (docs/errors.md)',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.fetchFailures = new promClient.Counter({
      name: 'kparty_outbound_fetch_failures_total',
      help: 'Outbound fetches (did:web documents, status lists, DID drivers) that failed, by reason (FetchFailureReason)',
      labelNames: ['reason'],
      registers: [this.registry],
    });
  }

  /** `reason` is a FetchFailureReason (src/core/ports/fetcher.ts): a closed set. */
  observeFetchFailure(reason: string): void {
    this.fetchFailures.inc({ reason });
  }

  /** `route` is the matched route template (e.g. `/v1/admin/policies/:id`), or `unmatched`. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  observeDecision(outcome: 'accepted' | 'rejected', codes: readonly string[]): void {
    this.decisions.inc({ outcome });
    for (const code of new Set(codes)) this.failedChecks.inc({ code });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
