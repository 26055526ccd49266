import { createHash } from 'node:crypto';
import { cborEncode } from './cbor.js';

/** What the OpenID4VP request said, which the wallet's DeviceAuthentication must be bound to. */
export interface OpenId4VpHandoverInput {
  /** The full `client_id` request parameter, Client Identifier Prefix included. */
  clientId: string;
  /** The `nonce` request parameter. */
  nonce: string;
  /** The `response_uri` (or `redirect_uri`) request parameter. */
  responseUri: string;
  /**
   * RFC 7638 JWK SHA-256 thumbprint (32 raw bytes) of the verifier's
   * response-encryption key when the response is encrypted (`direct_post.jwt`);
   * absent otherwise.
   */
  jwkThumbprint?: Uint8Array;
}

/**
 * The encoded SessionTranscript of OpenID4VP 1.0 Appendix B.2.6.1
 * ("Invocation via Redirects"):
 * `[null, null, ["OpenID4VPHandover", sha-256(cbor([client_id, nonce, jwkThumbprint / null, response_uri]))]]`.
 */
export function openId4VpSessionTranscript(input: OpenId4VpHandoverInput): Uint8Array {
  return cborEncode([null, null, openId4VpHandover(input)]);
}

/** The `OpenID4VPHandover` structure (OpenID4VP 1.0 Appendix B.2.6.1). */
export function openId4VpHandover(input: OpenId4VpHandoverInput): [string, Uint8Array] {
  if (input.jwkThumbprint !== undefined && input.jwkThumbprint.length !== 32) throw new RangeError('a JWK SHA-256 thumbprint is 32 bytes');
  const info = cborEncode([input.clientId, input.nonce, input.jwkThumbprint ?? null, input.responseUri]);
  return ['OpenID4VPHandover', new Uint8Array(createHash('sha256').update(info).digest())];
}
