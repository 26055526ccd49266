/**
 * Pre-signing presentations in bulk. did-jwt-vc makes the credentials and a
 * reference presentation; the bulk presentations are assembled from the same
 * header and payload members in the same order and signed with node:crypto.
 * Ed25519 signatures are deterministic (RFC 8032), so `fastPresenter` checks
 * at creation that its output is byte-for-byte what did-jwt-vc produces for
 * the same input — the benchmark's VPs ARE did-jwt-vc VPs, only made faster.
 */
import { presentCredentials } from './identities.mjs';

const V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
const b64 = (text) => Buffer.from(text).toString('base64url');

/**
 * A function making `holder`'s VC-DM 1.1 VP-JWTs carrying `credentials` with
 * the given nonce and audience, identical to did-jwt-vc's.
 * @param {string[]} sampleCredentials - credentials for the one-time comparison with did-jwt-vc
 * @returns {Promise<(credentials: string[], nonce: string, aud: string) => string>}
 */
export async function fastPresenter(holder, sampleCredentials) {
  const header = b64(JSON.stringify({ kid: holder.kid, alg: holder.alg, typ: 'JWT' }));
  const iss = JSON.stringify(holder.did);
  const present = (credentials, nonce, aud) => {
    const vp = JSON.stringify({ '@context': [V1_CONTEXT], type: ['VerifiablePresentation'], verifiableCredential: credentials });
    const payload = b64(`{"vp":${vp},"nonce":${JSON.stringify(nonce)},"aud":${JSON.stringify(aud)},"iss":${iss}}`);
    const signingInput = `${header}.${payload}`;
    return `${signingInput}.${holder.signSync(signingInput)}`;
  };
  const probe = { nonce: 'probe-nonce', aud: 'https://probe.example' };
  const reference = await presentCredentials(holder, sampleCredentials, probe);
  if (present(sampleCredentials, probe.nonce, probe.aud) !== reference) {
    throw new Error('bench: the fast presenter no longer matches did-jwt-vc byte for byte; update bench/lib/presentations.mjs');
  }
  return present;
}
