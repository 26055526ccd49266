/**
 * Section 2, the HTTP floor: the same load as the HTTP section (autocannon,
 * 32 keep-alive connections, a body of the same size per request) against
 * bench/lib/floor-server.mjs — Fastify alone, and the same route through
 * NestJS on Fastify — which parse the body and answer a verify-sized JSON
 * without verifying anything. Their CPU per request is what HTTP costs any
 * service on this machine; kparty's CPU per request beyond it is its own.
 */
import { createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ed25519Identity, issueEmployeeCredential } from '../lib/identities.mjs';
import { sendAll } from '../lib/load.mjs';
import { runOpenLoop } from '../lib/open-loop.mjs';
import { fastPresenter } from '../lib/presentations.mjs';
import { runIfMain } from '../lib/section.mjs';
import { AUDIENCE, POLICY_ID } from '../lib/kparty-core.mjs';
import { cpuSecondsOf, ROOT, startService } from '../lib/service.mjs';

export async function run({ connections = 32, requests = 30_000, kinds = ['fastify', 'nest'], atRate = 0, atRateS = 5 } = {}) {
  const issuer = ed25519Identity();
  const holder = ed25519Identity();
  const credential = await issueEmployeeCredential(issuer, holder.did);
  const present = await fastPresenter(holder, [credential]);
  const body = Buffer.from(JSON.stringify({ policy: POLICY_ID, presentation: present([credential], 'n'.repeat(43), AUDIENCE) }));
  const bodies = Array.from({ length: requests }, () => body);
  const runs = [];
  for (const kind of kinds) {
    const server = await startService({ env: {}, cwd: ROOT, script: join(ROOT, 'bench', 'lib', 'floor-server.mjs'), args: [kind] });
    try {
      const target = server.baseUrl;
      await sendAll([target], [bodies.slice(0, 5000)], { connections });
      const cpuBefore = cpuSecondsOf(server.pid);
      const result = await sendAll([target], [bodies], { connections });
      const serverCpuS = (cpuSecondsOf(server.pid) ?? NaN) - (cpuBefore ?? NaN);
      console.log(`http floor ${kind}: ${Math.round(result.okPerSecond)} ok/s, ${Math.round((serverCpuS * 1e6) / result.sent)} µs CPU per request`);
      // At full speed a server answers many requests per event-loop turn and its client never sleeps; at kparty's
      // rate each request pays its own wake-ups. So the floor is also measured at that rate (open loop).
      let paced;
      if (atRate > 0) {
        const count = Math.round(atRate * atRateS);
        const cpuAtRateBefore = cpuSecondsOf(server.pid);
        const open = await runOpenLoop({
          url: target,
          path: '/v1/presentations/verify',
          bodies: bodies.slice(0, count),
          rate: atRate,
          maxSeconds: atRateS * 3,
        });
        const cpuAtRate = (cpuSecondsOf(server.pid) ?? NaN) - (cpuAtRateBefore ?? NaN);
        paced = { rate: atRate, answered: open.answered, latencyMs: open.latencyMs, serverCpuUsPerRequest: (cpuAtRate * 1e6) / Math.max(1, open.answered) };
        console.log(`http floor ${kind} at ${Math.round(atRate)}/s: ${Math.round(paced.serverCpuUsPerRequest)} µs CPU per request`);
      }
      runs.push({
        kind,
        ...result,
        bodyBytes: body.length,
        serverCpuS,
        serverCpuUsPerRequest: (serverCpuS * 1e6) / Math.max(1, result.sent),
        serverCoresBusy: serverCpuS / result.durationS,
        ...(paced ? { paced } : {}),
      });
    } finally {
      await server.stop();
    }
  }
  return { measured: true, runs, signatures: signatureCosts(body) };
}

/**
 * CPU microseconds of the signature operations one verify-and-issue makes at
 * the least (node:crypto, one core, no JWS code around them): two Ed25519
 * verifications (presentation and credential) and one ES256 signature (the
 * session token), each over a message of the presentation's size.
 */
function signatureCosts(message) {
  const timed = (operation) => {
    for (let i = 0; i < 200; i++) operation();
    const start = process.cpuUsage();
    let count = 0;
    const until = performance.now() + 1000;
    while (performance.now() < until) {
      for (let i = 0; i < 50; i++) operation();
      count += 50;
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / count;
  };
  const ed = generateKeyPairSync('ed25519');
  const edSignature = sign(null, message, ed.privateKey);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecKey = createPrivateKey(ec.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const ed25519VerifyUs = timed(() => verify(null, message, ed.publicKey, edSignature));
  const es256SignUs = timed(() => sign('sha256', message, { key: ecKey, dsaEncoding: 'ieee-p1363' }));
  return { ed25519VerifyUs, es256SignUs, perRequestUs: 2 * ed25519VerifyUs + es256SignUs };
}

await runIfMain(import.meta.url, run);
