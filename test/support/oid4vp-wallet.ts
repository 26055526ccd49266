/**
 * The wallet in OpenID4VP tests: @openid4vc/openid4vp's Openid4vpClient
 * (resolve → create response → submit), with callbacks built on jose and
 * node:crypto — none of kparty's code.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig, type CallbackContext, type JwtSigner } from '@openid4vc/oauth2';
import { CompactEncrypt, importJWK, importX509, jwtVerify, type JWK } from 'jose';

setGlobalConfig({ allowInsecureUrls: true });

/** did:web → its document, over http for loopback hosts (tests only). */
async function resolveDidWeb(did: string): Promise<{ verificationMethod: Array<{ id: string; publicKeyJwk: JWK }> }> {
  const host = decodeURIComponent(did.slice('did:web:'.length).split(':')[0]!);
  const response = await fetch(`http://${host}/.well-known/did.json`);
  if (!response.ok) throw new Error(`did:web ${did} answered ${response.status}`);
  return (await response.json()) as { verificationMethod: Array<{ id: string; publicKeyJwk: JWK }> };
}

const verifyJwt: CallbackContext['verifyJwt'] = async (signer: JwtSigner, jwt) => {
  try {
    if (signer.method === 'x5c') {
      const [leaf] = signer.x5c;
      const pem = `-----BEGIN CERTIFICATE-----\n${leaf}\n-----END CERTIFICATE-----`;
      const key = await importX509(pem, signer.alg);
      await jwtVerify(jwt.compact, key, { algorithms: [signer.alg], typ: 'oauth-authz-req+jwt' });
      const { exportJWK } = await import('jose');
      return { verified: true, signerJwk: (await exportJWK(key)) as never };
    }
    if (signer.method === 'did') {
      const did = signer.didUrl.split('#')[0]!;
      const document = await resolveDidWeb(did);
      const method = document.verificationMethod.find((m) => m.id === signer.didUrl);
      if (!method) return { verified: false };
      await jwtVerify(jwt.compact, await importJWK(method.publicKeyJwk, signer.alg), { algorithms: [signer.alg], typ: 'oauth-authz-req+jwt' });
      return { verified: true, signerJwk: method.publicKeyJwk as never };
    }
    return { verified: false };
  } catch {
    return { verified: false };
  }
};

export const walletCallbacks = {
  fetch: (input: string | URL, init?: RequestInit) => fetch(input, init),
  hash: (data: Uint8Array, alg: string) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  verifyJwt,
  getX509CertificateMetadata: (certificate: string) => {
    const cert = new X509Certificate(Buffer.from(certificate, 'base64'));
    const names = (cert.subjectAltName ?? '').split(',').map((s) => s.trim());
    return {
      sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
      sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4)),
    };
  },
  encryptJwe: async (encryptor: { publicJwk: JWK; alg: string; enc: string; apu?: string; apv?: string }, data: string) => {
    const key = await importJWK(encryptor.publicJwk, encryptor.alg);
    const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
      .setProtectedHeader({
        alg: encryptor.alg,
        enc: encryptor.enc,
        ...(encryptor.publicJwk.kid !== undefined ? { kid: encryptor.publicJwk.kid } : {}),
        ...(encryptor.apu !== undefined ? { apu: encryptor.apu } : {}),
        ...(encryptor.apv !== undefined ? { apv: encryptor.apv } : {}),
      })
      .encrypt(key);
    return { encryptionJwk: encryptor.publicJwk as never, jwe };
  },
} as unknown as ConstructorParameters<typeof Openid4vpClient>[0]['callbacks'];

export const wallet = new Openid4vpClient({ callbacks: walletCallbacks });

/** Wallet-side JARM metadata: what this wallet can encrypt with. */
export const WALLET_JARM_METADATA = {
  authorization_signing_alg_values_supported: ['ES256'],
  authorization_encryption_alg_values_supported: ['ECDH-ES'],
  authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
};

export interface ResolvedRequest {
  payload: Record<string, unknown> & { client_id: string; nonce: string; state?: string; response_uri?: string; response_mode?: string };
  resolved: Awaited<ReturnType<Openid4vpClient['resolveOpenId4vpAuthorizationRequest']>>;
}

/** Parses the openid4vp:// URI and resolves it (fetches and verifies the request object) as a wallet does. */
export async function resolveRequest(requestUri: string): Promise<ResolvedRequest> {
  const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: requestUri });
  const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params as never });
  return { payload: resolved.authorizationRequestPayload as ResolvedRequest['payload'], resolved };
}

/** Creates and submits the authorization response for `vpToken` (encrypted when the request says direct_post.jwt). */
export async function submitVpToken(request: ResolvedRequest, vpToken: Record<string, string[]>): Promise<Response> {
  const encrypted = request.payload.response_mode === 'direct_post.jwt';
  const created = await wallet.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request.payload as never,
    authorizationResponsePayload: { vp_token: vpToken } as never,
    ...(encrypted ? { jarm: { encryption: { nonce: 'wallet-apu-nonce-0001' }, serverMetadata: WALLET_JARM_METADATA } } : {}),
  });
  const submitted = await wallet.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request.payload as never,
    authorizationResponsePayload: created.authorizationResponsePayload,
    ...(created.jarm ? { jarm: { responseJwt: created.jarm.responseJwt } } : {}),
  });
  return submitted.response;
}
