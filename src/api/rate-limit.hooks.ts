import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WalletRateLimits } from '../ratelimit/wallet-rate-limits.js';

/**
 * The wallet-facing endpoints (docs/api.md, docs/operations.md "Rate limits"): the ones anyone may call without
 * a key, and so the ones KPARTY_RATE_LIMIT protects. Matched by route pattern
 * (not the raw URL), so `/v1/challenges/` or a query string cannot dodge it.
 * Append wallet-facing routes here as they are added.
 */
export const WALLET_ROUTES: ReadonlySet<string> = new Set([
  'POST /v1/challenges',
  'POST /v1/presentations/verify',
  'POST /v1/token',
  // OpenID4VP 1.0 wallet side and hosted page (docs/oid4vp.md).
  'GET /v1/oid4vp/request-objects/:id',
  'POST /v1/oid4vp/request-objects/:id',
  'POST /v1/oid4vp/responses/:id',
  'GET /oid4vp/:id',
  'GET /oid4vp/:id/qr.svg',
  'GET /oid4vp/:id/status',
  // The W3C VC API verifier endpoints may be public (KPARTY_VC_API_PUBLIC) and each call costs RDF canonicalisation.
  'POST /v1/vc-api/credentials/verify',
  'POST /v1/vc-api/presentations/verify',
]);

function isWalletRoute(request: FastifyRequest): boolean {
  return WALLET_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`);
}

/** The policy a wallet request names in its JSON body, if any. */
function policyOf(request: FastifyRequest): string | undefined {
  const body = request.body as { policy?: unknown } | null | undefined;
  return body !== null && typeof body === 'object' && typeof body.policy === 'string' ? body.policy : undefined;
}

/**
 * Counts wallet-facing requests: per client address as soon as the request
 * arrives (before its body is read — a flood costs little), per policy once
 * the body names one. Over a limit: 429 `rate_limited` with Retry-After; the
 * counters unreachable: 503 `service.unavailable` (fail closed). Both errors
 * reach the problem-details filter like any other.
 *
 * The client address is Fastify's `request.ip`: the TCP peer, or — only for
 * peers listed in KPARTY_TRUST_PROXY — the client named by X-Forwarded-For.
 */
export function registerWalletRateLimits(fastify: FastifyInstance, limits: WalletRateLimits): void {
  if (!limits.enabled) return;
  fastify.addHook('onRequest', async (request) => {
    if (isWalletRoute(request)) await limits.countClient(request.ip);
  });
  fastify.addHook('preHandler', async (request) => {
    if (!isWalletRoute(request)) return;
    const policy = policyOf(request);
    if (policy !== undefined) await limits.countPolicy(policy);
  });
}
