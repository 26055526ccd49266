import type { JWK } from 'jose';
import type { ErrorEntry } from '../errors.js';

/**
 * The life of an OpenID4VP request (docs/oid4vp.md). `responding` is internal:
 * one authorization response has claimed the request and is being verified;
 * relying parties see it as `fetched`.
 */
export type Oid4vpRequestStatus = 'pending' | 'fetched' | 'responding' | 'verified' | 'rejected' | 'expired' | 'cancelled';

/** What a relying party sees (`GET /v1/oid4vp/requests/{id}`). */
export type Oid4vpPublicStatus = Exclude<Oid4vpRequestStatus, 'responding'>;

export type Oid4vpFlow = 'cross_device' | 'same_device';
export type Oid4vpResponseMode = 'direct_post' | 'direct_post.jwt';

/**
 * The ephemeral ECDH-ES P-256 key a `direct_post.jwt` response is encrypted to
 * (OpenID4VP 1.0 §8.3). The private half is a secret: it is dropped from the
 * record as soon as the request is decided and deleted with the request.
 */
export interface ResponseEncryptionKey {
  /** The private JWK as JSON, sealed by the SecretSeal (src/oid4vp/secret-seal.ts) before it is stored. */
  sealedPrivateJwk: string;
  /** Public JWK as sent in `client_metadata.jwks` (with `kid`, `use: enc`, `alg: ECDH-ES`). */
  publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key, base64url: the mdoc SessionTranscript input (OpenID4VP 1.0 B.2.6.1). */
  thumbprint: string;
}

export interface Oid4vpRequestRecord {
  /** ≥ 128 bits, base64url; names the request in every URL. */
  id: string;
  /** Relying-party id (or the operator owner) that created it; nobody else reads it. */
  owner: string;
  policyId: string;
  flow: Oid4vpFlow;
  responseMode: Oid4vpResponseMode;
  /** The full client_id with its prefix, the audience of every presentation. */
  clientId: string;
  /** ≥ 256 bits, base64url; the challenge of every presentation. */
  nonce: string;
  /** ≥ 256 bits, base64url; must come back with the response. */
  state: string;
  responseUri: string;
  redirectUri?: string;
  callbackUrl?: string;
  dpopJkt?: string;
  /** `post`: the wallet is told to POST to the request_uri (OpenID4VP 1.0 §5.10); GET is always answered too. */
  requestUriMethod?: 'get' | 'post';
  responseEncryptionKey?: ResponseEncryptionKey;
  status: Oid4vpRequestStatus;
  /** Milliseconds since the epoch. */
  createdAt: number;
  expiresAt: number;
  decidedAt?: number;
  /** When the store may delete the record (purge). */
  purgeAt: number;
  /** SHA-256 (hex) of the same-device `response_code`; the code itself is only in the wallet's redirect. */
  responseCodeHash?: string;
  /** The verification result (personal data): kept until read once or until purgeAt. */
  result?: unknown;
  /** Whether the result was released to the relying party (then deleted). */
  resultReleased?: boolean;
  errors?: ErrorEntry[];
  /** The wallet's error response (OpenID4VP 1.0 §8.5), when it sent one. */
  walletError?: { error: string; error_description?: string };
  /** Optimistic-concurrency version: every replacement names the version it read. */
  version: number;
}
