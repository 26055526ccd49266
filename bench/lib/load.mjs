/**
 * HTTP load for POST /v1/presentations/verify: fresh challenges fetched and
 * VP-JWTs signed BEFORE timing, then fed to autocannon one body per request
 * (every request answers its own challenge, as a wallet's would).
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { AUDIENCE, POLICY_ID } from './kparty-core.mjs';
import { inParallel, jsonClient } from './service.mjs';

/**
 * `count` request bodies, each a VP answering a fresh challenge from
 * POST /v1/challenges of the target it will be sent to.
 * @param {string[]} targets - base URLs; bodies are made per target, round-robin
 * @returns {Promise<Buffer[][]>} bodies per target
 */
export async function prepareBodies(targets, count, present) {
  const perTarget = targets.map(() => []);
  const share = Math.ceil(count / targets.length);
  for (const [t, baseUrl] of targets.entries()) {
    const client = jsonClient(baseUrl);
    try {
      const nonces = await inParallel(share, 32, async () => {
        const reply = await client.call('POST', '/v1/challenges', { policy: POLICY_ID });
        if (reply.status !== 201) throw new Error(`POST /v1/challenges answered ${reply.status}: ${reply.text.slice(0, 300)}`);
        return reply.body.challenge;
      });
      for (const nonce of nonces) {
        perTarget[t].push(Buffer.from(JSON.stringify({ policy: POLICY_ID, presentation: present(nonce, AUDIENCE) })));
      }
    } finally {
      client.close();
    }
  }
  return perTarget;
}

function runAutocannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Sends every body once, `connections` connections spread over the targets
 * (one autocannon per target, run together), and sums up.
 *
 * With one target the latency percentiles are autocannon's; with several,
 * p50 is the request-weighted mean of the targets' p50s and p99 the largest
 * p99 (an upper bound).
 */
export async function sendAll(targets, bodiesPerTarget, { connections, sampleFailures = 3 }) {
  const failures = [];
  const perTarget = Math.max(1, Math.floor(connections / targets.length));
  // autocannon notices the end of an `amount` run on its once-a-second tick, so its own duration is
  // rounded up to whole seconds; the rate is taken from first request to last response instead.
  let lastResponseAt = 0;
  const start = performance.now();
  const results = await Promise.all(
    targets.map((baseUrl, t) => {
      const bodies = bodiesPerTarget[t];
      let next = 0;
      return runAutocannon({
        url: baseUrl,
        connections: perTarget,
        amount: bodies.length,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/v1/presentations/verify',
            headers: { 'content-type': 'application/json' },
            // One body per request; never reused (a reused one would answer a consumed challenge).
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
            onResponse: (status, body) => {
              lastResponseAt = performance.now();
              if (status !== 200 && failures.length < sampleFailures) failures.push(`${status} ${String(body).slice(0, 300)}`);
            },
          },
        ],
      });
    }),
  );
  const elapsedS = ((lastResponseAt || performance.now()) - start) / 1000;
  const ok = results.reduce((sum, r) => sum + r['2xx'], 0);
  const sent = results.reduce((sum, r) => sum + r.requests.total, 0);
  return {
    targets: targets.length,
    connections: perTarget * targets.length,
    sent,
    ok,
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
    durationS: elapsedS,
    okPerSecond: ok / elapsedS,
    latencyMs: {
      p50: results.reduce((sum, r) => sum + r.latency.p50 * r.requests.total, 0) / Math.max(1, sent),
      p99: Math.max(...results.map((r) => r.latency.p99)),
      max: Math.max(...results.map((r) => r.latency.max)),
    },
    failures,
  };
}
