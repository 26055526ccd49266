import { CompactSign, decodeJwt } from 'jose';
import { ed25519Identity, p256Identity, type TestIdentity } from '../support/identities.js';
import { IN_PROCESS_ADMIN_KEY, startInProcess, type InProcessKparty } from '../support/in-process-app.js';
import type { HostileContext } from './hostile-entry.js';

export const HOSTILE_AUDIENCE = 'https://hostile.example.com';
const RP_AUDIENCE = 'https://rp.hostile.example.com';
const V1 = 'https://www.w3.org/2018/credentials/v1';
const V2 = 'https://www.w3.org/ns/credentials/v2';
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function policy(id: string, format: string, issuer: string, audience: string): Record<string, unknown> {
  return {
    id,
    audience,
    credentials: [
      {
        id: 'employee',
        format,
        meta: { type_values: [['EmployeeCredential']] },
        claims: [{ path: ['credentialSubject', 'role'], values: ['staff'] }],
        trustedIssuers: [issuer],
        status: 'ignore',
      },
    ],
    holderBinding: 'required',
    session: { scope: 'orders:read', claims: { role: ['employee', 'credentialSubject', 'role'] } },
  };
}

/**
 * Signs the payload as JSON bytes, the way a hostile wallet would: jose's SignJWT refuses claims it considers
 * invalid (a non-finite `exp`), and the corpus must be able to send exactly those.
 */
async function sign(identity: TestIdentity, typ: string | undefined, payload: Record<string, unknown>): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: identity.alg, kid: identity.kid, ...(typ ? { typ } : {}) })
    .sign(await identity.key());
}

/** Starts an in-process kparty with an operator policy per JWT format and one relying party. */
export async function createHostileContext(env: Record<string, string> = {}): Promise<HostileContext> {
  const kparty: InProcessKparty = await startInProcess({ env });
  const issuer = ed25519Identity();
  const holder = ed25519Identity();
  const put = async (id: string, format: string, audience: string, key: string): Promise<void> => {
    const reply = await kparty.request('PUT', `/v1/admin/policies/${id}`, { key, body: policy(id, format, issuer.did, audience) });
    if (reply.status !== 201) throw new Error(`policy ${id}: ${reply.status} ${reply.text}`);
  };
  await put('hostile-v1', 'jwt_vc_json', HOSTILE_AUDIENCE, IN_PROCESS_ADMIN_KEY);
  await put('hostile-v2', 'vc+jwt', HOSTILE_AUDIENCE, IN_PROCESS_ADMIN_KEY);
  const rp = await kparty.request('POST', '/v1/admin/relying-parties', {
    key: IN_PROCESS_ADMIN_KEY,
    body: { id: 'hostile-rp', name: 'Hostile RP', audiences: [RP_AUDIENCE] },
  });
  if (rp.status !== 201) throw new Error(`relying party: ${rp.status} ${rp.text}`);
  const rpKey = rp.body.apiKey as string;
  await put('hostile-rp-policy', 'jwt_vc_json', RP_AUDIENCE, rpKey);
  const sdIssuer = p256Identity();
  const sdHolder = p256Identity();
  const sdPolicy = {
    id: 'hostile-sd',
    audience: HOSTILE_AUDIENCE,
    credentials: [
      {
        id: 'employee',
        format: 'dc+sd-jwt',
        meta: { vct_values: ['urn:hostile:employee:1'] },
        claims: [{ path: ['role'], values: ['staff'] }],
        trustedIssuers: [sdIssuer.did],
        status: 'ignore',
      },
    ],
    holderBinding: 'required',
    session: { scope: 'orders:read', claims: { role: ['employee', 'role'] } },
  };
  const sdReply = await kparty.request('PUT', '/v1/admin/policies/hostile-sd', { key: IN_PROCESS_ADMIN_KEY, body: sdPolicy });
  if (sdReply.status !== 201) throw new Error(`policy hostile-sd: ${sdReply.status} ${sdReply.text}`);
  const mdocReply = await kparty.request('PUT', '/v1/admin/policies/hostile-rp-mdoc', {
    key: rpKey,
    body: {
      id: 'hostile-rp-mdoc',
      audience: RP_AUDIENCE,
      credentials: [
        {
          id: 'mdl',
          format: 'mso_mdoc',
          meta: { doctype_value: 'org.iso.18013.5.1.mDL' },
          claims: [{ path: ['org.iso.18013.5.1', 'age_over_18'], values: [true] }],
          trustedIssuers: ['*'],
          status: 'ignore',
        },
      ],
      session: { scope: 'orders:read' },
    },
  });
  if (mdocReply.status !== 201) throw new Error(`policy hostile-rp-mdoc: ${mdocReply.status} ${mdocReply.text}`);
  await put('hostile-ldp', 'ldp_vc', HOSTILE_AUDIENCE, IN_PROCESS_ADMIN_KEY);

  const challenge = async (policyId = 'hostile-v1'): Promise<string> => {
    const reply = await kparty.request('POST', '/v1/challenges', { body: { policy: policyId } });
    if (reply.status !== 201) throw new Error(`challenge: ${reply.status} ${reply.text}`);
    return reply.body.challenge as string;
  };
  const audienceOf = (policyId: string): string => (policyId.startsWith('hostile-rp-') ? RP_AUDIENCE : HOSTILE_AUDIENCE);
  const refreshPolicy = {
    ...policy('hostile-rp-refresh', 'jwt_vc_json', issuer.did, RP_AUDIENCE),
    session: { scope: 'orders:read', refresh: { ttlSeconds: 3600, absoluteTtlSeconds: 86_400, recheck: 'none' } },
  };
  const refreshReply = await kparty.request('PUT', '/v1/admin/policies/hostile-rp-refresh', { key: rpKey, body: refreshPolicy });
  if (refreshReply.status !== 201) throw new Error(`policy hostile-rp-refresh: ${refreshReply.status} ${refreshReply.text}`);
  const other = await kparty.request('POST', '/v1/admin/relying-parties', {
    key: IN_PROCESS_ADMIN_KEY,
    body: { id: 'hostile-rp-2', name: 'Other RP', audiences: ['https://rp2.hostile.example.com'] },
  });
  if (other.status !== 201) throw new Error(`relying party 2: ${other.status} ${other.text}`);
  const context: HostileContext = {
    kparty,
    operatorKey: IN_PROCESS_ADMIN_KEY,
    policyId: 'hostile-v1',
    policyV2Id: 'hostile-v2',
    audience: HOSTILE_AUDIENCE,
    issuer,
    holder,
    rpKey,
    rpId: 'hostile-rp',
    challenge,
    sdPolicyId: 'hostile-sd',
    sdIssuer,
    sdHolder,
    ldpPolicyId: 'hostile-ldp',
    otherRpKey: other.body.apiKey as string,
    async refreshToken() {
      const credential = await context.vcJwt();
      const subjectToken = await context.vpJwt([credential], undefined, 'hostile-rp-refresh');
      const reply = await kparty.request('POST', '/v1/token', {
        key: rpKey,
        raw: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: subjectToken,
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          policy: 'hostile-rp-refresh',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (reply.status !== 200 || typeof reply.body.refresh_token !== 'string') throw new Error(`refresh token: ${reply.status} ${reply.text}`);
      return reply.body.refresh_token as string;
    },
    async oid4vpRequest(body = {}) {
      const created = await kparty.request('POST', '/v1/oid4vp/requests', { key: rpKey, body: { policy: 'hostile-rp-policy', ...body } });
      if (created.status !== 201) throw new Error(`oid4vp request: ${created.status} ${created.text}`);
      const object = await kparty.request('GET', `/v1/oid4vp/request-objects/${created.body.id as string}`);
      if (object.status !== 200) throw new Error(`request object: ${object.status} ${object.text}`);
      const payload = decodeJwt(object.text);
      return {
        id: created.body.id as string,
        requestUri: created.body.requestUri as string,
        state: payload.state as string,
        nonce: payload.nonce as string,
        clientId: payload.client_id as string,
      };
    },
    async vcJwt(change) {
      const payload: Record<string, unknown> = {
        iss: issuer.did,
        sub: holder.did,
        nbf: nowSeconds() - 60,
        vc: {
          '@context': [V1],
          type: ['VerifiableCredential', 'EmployeeCredential'],
          credentialSubject: { role: 'staff' },
        },
      };
      change?.(payload);
      return sign(issuer, undefined, payload);
    },
    async vcJwtV2(change) {
      const payload: Record<string, unknown> = {
        '@context': [V2],
        type: ['VerifiableCredential', 'EmployeeCredential'],
        issuer: issuer.did,
        validFrom: new Date((nowSeconds() - 60) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
        credentialSubject: { id: holder.did, role: 'staff' },
      };
      change?.(payload);
      return sign(issuer, 'vc+jwt', payload);
    },
    async vpJwt(credentials, change, policyId = 'hostile-v1') {
      const payload: Record<string, unknown> = {
        iss: holder.did,
        aud: audienceOf(policyId),
        nonce: await challenge(policyId),
        iat: nowSeconds(),
        vp: { '@context': [V1], type: ['VerifiablePresentation'], verifiableCredential: credentials },
      };
      change?.(payload);
      return sign(holder, undefined, payload);
    },
    async vpJwtV2(credentials, change, policyId = 'hostile-v2') {
      const payload: Record<string, unknown> = {
        '@context': [V2],
        type: ['VerifiablePresentation'],
        holder: holder.did,
        aud: audienceOf(policyId),
        nonce: await challenge(policyId),
        iat: nowSeconds(),
        verifiableCredential: credentials.map((jwt) => ({ '@context': V2, id: `data:application/vc+jwt,${jwt}`, type: 'EnvelopedVerifiableCredential' })),
      };
      change?.(payload);
      return sign(holder, 'vp+jwt', payload);
    },
  };
  return context;
}
