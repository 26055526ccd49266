/**
 * Section 5, mso_mdoc in process: verifications of one mDL DeviceResponse
 * (OpenID4VP 1.0 session transcript, ES256, 7 elements, IACA → document
 * signer) per second and per CPU-second, one at a time:
 *
 * - peer: @owf/mdoc's own `Verifier.verifyDeviceResponse` (decode, device
 *   signature over the transcript, issuer certificate chain, IssuerAuth
 *   signature, element digests, validity), its crypto context on node:crypto;
 * - kparty: `verifyDeviceResponse` of dist/formats/mdoc — hostile-CBOR
 *   pre-scan, the same checks, RFC 5280 path validation through
 *   src/trust with the IACA as trust anchor, and the result (issuer
 *   x509_hash, RFC 9278 holder, claims).
 *
 * Both get the same bytes and the same transcript; warm-up, then `rounds`
 * rounds of `perRound`, the two sides taking turns; the median round counts.
 */
import { X509Certificate } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Verifier } from '@owf/mdoc';
import { anchoredChainValidator } from '../../dist/formats/mdoc/chain-validator.js';
import { openId4VpSessionTranscript } from '../../dist/formats/mdoc/session-transcript.js';
import { verifyDeviceResponse } from '../../dist/formats/mdoc/verify-device-response.js';
import { TrustAnchorStore } from '../../dist/trust/trust-anchors.js';
import { mdlDeviceResponse, mdocContext } from '../lib/mdoc.mjs';
import { runIfMain } from '../lib/section.mjs';
import { median, perSecond } from '../lib/stats.mjs';

async function timeSequential(count, once) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) await once(i);
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall: perSecond(count, wallMs), cpu: perSecond(count, (cpu.user + cpu.system) / 1000) };
}

export async function run({ rounds = 5, perRound = 300, warmup = 300 } = {}) {
  const request = {
    clientId: 'x509_hash:UcBmS3u0G7pjbkxd9lYYzUTsHDQFN5hS_c3Y5Hv0KCA',
    nonce: 'bench-nonce-0123456789abcdefghijklmnopqrstuv',
    responseUri: 'https://verifier.example/v1/oid4vp/responses/bench',
  };
  const { base64url, bytes, iacaDer, sessionTranscript } = await mdlDeviceResponse(request);
  const anchors = TrustAnchorStore.fromPem([new X509Certificate(iacaDer).toString()]);
  const env = {
    clockSkewSeconds: 60,
    validateChain: anchoredChainValidator(anchors),
    sessionTranscript: openId4VpSessionTranscript(request),
    expectedDocType: 'org.iso.18013.5.1.mDL',
  };
  const kparty = () => {
    const result = verifyDeviceResponse(base64url, { ...env, now: Date.now() });
    if (result.failures.length > 0 || result.documents.length !== 1) throw new Error(`kparty refused the DeviceResponse: ${JSON.stringify(result.failures)}`);
  };
  // The peer decodes the same base64url (what arrives in vp_token) and verifies with its own transcript object.
  const peer = () =>
    Verifier.verifyDeviceResponse(
      { deviceResponse: Buffer.from(base64url, 'base64url'), sessionTranscript, trustedCertificates: [iacaDer], now: new Date() },
      mdocContext,
    );

  for (let i = 0; i < warmup; i++) {
    kparty();
    await peer();
  }
  const all = { kparty: [], peer: [] };
  for (let round = 0; round < rounds; round++) {
    all.peer.push(await timeSequential(perRound, peer));
    all.kparty.push(await timeSequential(perRound, kparty));
  }
  const pick = (list, key) => median(list.map((r) => r[key]));
  const medians = Object.fromEntries(Object.entries(all).map(([name, list]) => [name, { wall: pick(list, 'wall'), cpu: pick(list, 'cpu') }]));
  return { rounds, perRound, warmup, bytes: bytes.length, medians, all };
}

await runIfMain(import.meta.url, run);
