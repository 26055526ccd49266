import { createHash, timingSafeEqual } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { Principal } from '../admin/principal.js';
import type { Clock } from '../core/clock.js';
import { KpartyError, type ErrorEntry } from '../core/errors.js';
import { OPERATOR_OWNER } from '../core/model/policy.js';
import type { Oid4vpFlow, Oid4vpPublicStatus, Oid4vpRequestRecord, Oid4vpResponseMode, ResponseEncryptionKey } from '../core/model/oid4vp-request.js';
import type { Oid4vpRequestStore } from '../core/ports/oid4vp-request-store.js';
import type { RelyingPartyStore } from '../core/ports/relying-party-store.js';
import { randomToken } from '../core/secrets.js';
import type { FormatRegistry } from '../formats/format-registry.js';
import { toDcqlQuery } from '../policy/dcql-query.js';
import type { PolicyCatalog } from '../policy/policy-catalog.js';
import type { ClientIdentity } from './client-identity.js';
import { decryptAuthorizationResponse } from './response-decryption.js';
import { parseVpToken } from './vp-token.js';
import type { SecretSeal } from './secret-seal.js';
import type { SignInPort } from './sign-in-port.js';
import { callbackOriginsOf, relyingPartyDisplay } from './relying-party-view.js';

/** Content encryption algorithms kparty decrypts for direct_post.jwt (OpenID4VP 1.0 §8.3, HAIP). */
export const RESPONSE_ENC_VALUES = ['A128GCM', 'A256GCM'] as const;

/** `aud` of a request object for wallets without discovered metadata (OpenID4VP 1.0 §5.8: static discovery). */
const STATIC_DISCOVERY_AUDIENCE = 'https://self-issued.me/v2';

/** Longest `wallet_nonce` accepted (OpenID4VP 1.0 §5.10.1); wallets send short random strings. */
export const MAX_WALLET_NONCE_LENGTH = 256;

/** Longest `wallet_metadata` JSON accepted (characters). */
export const MAX_WALLET_METADATA_LENGTH = 16_384;

/** How many times a transition is retried when another process changed the record in between. */
const TRANSITION_ATTEMPTS = 5;

export interface CreateOid4vpRequest {
  policy: string;
  flow?: Oid4vpFlow;
  responseMode?: Oid4vpResponseMode;
  redirectUri?: string;
  callbackUrl?: string;
  dpopJkt?: string;
  /** How the wallet fetches the request object: `get` (default) or `post` (OpenID4VP 1.0 §5.10, with wallet_metadata/wallet_nonce). */
  requestUriMethod?: 'get' | 'post';
}

export interface CreatedOid4vpRequest {
  id: string;
  requestUri: string;
  pageUrl: string;
  qrUrl: string;
  expiresAt: string;
}

export interface Oid4vpRequestView {
  id: string;
  policy: string;
  flow: Oid4vpFlow;
  status: Oid4vpPublicStatus;
  expiresAt: string;
  result?: unknown;
  errors?: ErrorEntry[];
  walletError?: { error: string; error_description?: string };
}

export interface Oid4vpPublicView {
  status: Oid4vpPublicStatus;
  flow: Oid4vpFlow;
  expiresAt: string;
  /** Where the hosted page sends the browser once the request is decided (cross-device with a redirectUri). */
  redirectUri?: string;
  /** The `openid4vp://` URI (shown as QR and "Open in wallet"). */
  requestUri: string;
}

/** What the wallet is answered (OpenID4VP 1.0 §8.2): `{}`, or `{ redirect_uri }` for same-device. */
export type WalletAnswer = { redirect_uri?: string };

/** Something that wants to know of every decision (callbacks); must not throw. */
export type DecisionListener = (record: Oid4vpRequestRecord) => void;

/**
 * Audits a rejection decided before the sign-in use case ran (a wallet error
 * response, a malformed vp_token): the sign-in audits everything it sees; these
 * never reach it. Must not throw.
 */
export type RejectionAuditor = (decision: { owner: string; policyId: string; codes: string[]; requestId?: string }) => Promise<void>;

export interface Oid4vpServiceOptions {
  /** KPARTY_ISSUER, no trailing slash. */
  issuer: string;
  /** KPARTY_OID4VP_REQUEST_TTL, seconds. */
  requestTtl: number;
  /** KPARTY_OID4VP_RESULT_TTL, seconds. */
  resultTtl: number;
  /** NODE_ENV=production: redirect URIs must be https. */
  production: boolean;
}

export interface Oid4vpDependencies {
  store: Oid4vpRequestStore;
  policies: PolicyCatalog;
  relyingParties: RelyingPartyStore;
  identity: ClientIdentity;
  /** Relying parties with their own request-signing certificate (KPARTY_OID4VP_RP_CERTIFICATES), by relying-party id. */
  relyingPartyIdentities?: ReadonlyMap<string, ClientIdentity>;
  /** The format handlers: which policy formats have an OpenID4VP 1.0 identifier, and their vp_formats_supported. */
  formats: Pick<FormatRegistry, 'credentialFormat' | 'credentialFormats'>;
  signIn: SignInPort;
  clock: Clock;
  seal: SecretSeal;
  onDecision?: DecisionListener;
  auditRejection?: RejectionAuditor;
}

const OPEN = new Set(['pending', 'fetched']);

const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function publicStatus(record: Oid4vpRequestRecord, now: number): Oid4vpPublicStatus {
  if (OPEN.has(record.status) && now >= record.expiresAt) return 'expired';
  // A response that claimed the request but never finished (a crashed process) ends with the request's lifetime.
  if (record.status === 'responding') return now >= record.expiresAt + 60_000 ? 'expired' : 'fetched';
  return record.status as Oid4vpPublicStatus;
}

function notFound(): KpartyError {
  return new KpartyError('oid4vp.request_not_found', 'no such OpenID4VP request');
}

function closed(status: string): KpartyError {
  return new KpartyError('oid4vp.request_closed', `the request is ${status}; it takes no more fetches or responses`);
}

function invalidResponse(detail: string): KpartyError {
  return new KpartyError('oid4vp.response_invalid', detail);
}

/** A redirect or callback URL: absolute http(s), no fragment, no credentials; https only in production (except loopback callbacks in tests). */
/** The characters of a URI (RFC 3986 §2: unreserved, reserved and percent-encodings); no controls, spaces, backslashes. */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

function checkUrl(name: string, raw: string, production: boolean): URL {
  // The URL is stored and handed to wallets and browsers as sent, so it must already be a URI, not something a
  // parser repairs (a NUL, "https:/\\evil.example").
  if (!URI_CHARACTERS.test(raw)) throw new KpartyError('request.invalid', `${name} must be a URI (RFC 3986): percent-encode other characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KpartyError('request.invalid', `${name} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new KpartyError('request.invalid', `${name} must be an https URL`);
  if (production && url.protocol !== 'https:') throw new KpartyError('request.invalid', `${name} must be an https URL`);
  if (url.hash || url.username || url.password) throw new KpartyError('request.invalid', `${name} must not carry a fragment or credentials`);
  return url;
}

/**
 * kparty's OpenID4VP 1.0 verifier (docs/oid4vp.md): relying parties start
 * requests and read outcomes; wallets fetch request objects and post
 * authorization responses. Framework-free; every state change is a
 * compare-and-set on the stored record, so one response wins across replicas
 * and a result is released once.
 */
export class Oid4vpService {
  constructor(
    private readonly deps: Oid4vpDependencies,
    private readonly options: Oid4vpServiceOptions,
  ) {}

  get identity(): ClientIdentity {
    return this.deps.identity;
  }

  // ---- relying-party side -------------------------------------------------------------------

  async create(principal: Principal, input: CreateOid4vpRequest): Promise<CreatedOid4vpRequest> {
    const stored = await this.deps.policies.getFor(principal, input.policy);
    const unsupported = stored.policy.credentials.filter((c) => this.deps.formats.credentialFormat(c.format)?.openid4vp === undefined);
    if (unsupported.length > 0) {
      throw new KpartyError(
        'oid4vp.policy_unsupported',
        `credential quer${unsupported.length === 1 ? 'y' : 'ies'} ${unsupported.map((c) => `"${c.id}" (${c.format})`).join(', ')} ` +
          'cannot be requested over OpenID4VP 1.0 (no 1.0 format identifier); use POST /v1/presentations/verify for this policy',
      );
    }
    const flow = input.flow ?? 'cross_device';
    if (flow === 'same_device' && input.redirectUri === undefined) {
      throw new KpartyError('request.invalid', 'a same_device request needs redirectUri', {
        errors: [{ code: 'request.invalid', path: '/redirectUri', detail: 'required for same_device' }],
      });
    }
    if (input.redirectUri !== undefined) checkUrl('redirectUri', input.redirectUri, this.options.production);
    if (input.callbackUrl !== undefined) await this.checkCallback(principal, input.callbackUrl);

    const now = this.deps.clock.now();
    const id = randomToken(24);
    const responseMode = input.responseMode ?? 'direct_post.jwt';
    const responseUri = `${this.options.issuer}/v1/oid4vp/responses/${id}`;
    const expiresAt = now + this.options.requestTtl * 1000;
    const record: Oid4vpRequestRecord = {
      id,
      owner: stored.owner,
      policyId: stored.policy.id,
      flow,
      responseMode,
      clientId: this.identityOf(stored.owner).clientId(responseUri),
      nonce: randomToken(32),
      state: randomToken(32),
      responseUri,
      ...(input.redirectUri !== undefined ? { redirectUri: input.redirectUri } : {}),
      ...(input.callbackUrl !== undefined ? { callbackUrl: input.callbackUrl } : {}),
      ...(input.dpopJkt !== undefined ? { dpopJkt: input.dpopJkt } : {}),
      ...(responseMode === 'direct_post.jwt' ? { responseEncryptionKey: await this.newEncryptionKey() } : {}),
      ...(input.requestUriMethod === 'post' ? { requestUriMethod: 'post' as const } : {}),
      status: 'pending',
      createdAt: now,
      expiresAt,
      purgeAt: expiresAt + this.options.resultTtl * 1000,
      version: 1,
    };
    await this.deps.store.create(record);
    const pageUrl = `${this.options.issuer}/oid4vp/${id}`;
    return {
      id,
      requestUri: await this.walletUri(record),
      pageUrl,
      qrUrl: `${pageUrl}/qr.svg`,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /** The outcome for the relying party; the result is released once (and, for same-device, only with the response_code). */
  async read(principal: Principal, id: string, responseCode?: string): Promise<Oid4vpRequestView> {
    let record = await this.ownedBy(principal, id);
    record = await this.settleExpiry(record);
    const view: Oid4vpRequestView = {
      id: record.id,
      policy: record.policyId,
      flow: record.flow,
      status: publicStatus(record, this.deps.clock.now()),
      expiresAt: new Date(record.expiresAt).toISOString(),
      ...(record.errors && record.errors.length > 0 ? { errors: record.errors } : {}),
      ...(record.walletError ? { walletError: record.walletError } : {}),
    };
    if (record.flow === 'same_device' && responseCode !== undefined) {
      if (!record.responseCodeHash || !sameText(sha256Hex(responseCode), record.responseCodeHash)) {
        throw new KpartyError('oid4vp.response_code_invalid', 'the response_code is not the one the wallet was given for this request');
      }
    }
    if (record.result === undefined) return view;
    if (record.flow === 'same_device' && responseCode === undefined) return view;
    const released = await this.transition(record.id, (current) =>
      current.result === undefined ? null : { ...current, result: undefined, resultReleased: true },
    );
    // Another reader took it first: the result is gone.
    if (!released.changed) return view;
    return { ...view, result: record.result };
  }

  async cancel(principal: Principal, id: string): Promise<void> {
    const record = await this.ownedBy(principal, id);
    if (record.status === 'cancelled') return;
    const outcome = await this.transition(record.id, (current) => {
      if (!OPEN.has(current.status) || this.deps.clock.now() >= current.expiresAt) return null;
      return this.decided(current, 'cancelled', {});
    });
    if (!outcome.changed) {
      const status = outcome.record ? publicStatus(outcome.record, this.deps.clock.now()) : 'expired';
      if (status !== 'cancelled') throw closed(status);
      return;
    }
    this.deps.onDecision?.(outcome.record!);
  }

  // ---- hosted page ---------------------------------------------------------------------------

  /** Result-free status for the hosted page (public: the id is unguessable and nothing personal is shown). */
  async publicView(id: string): Promise<Oid4vpPublicView> {
    const found = await this.deps.store.get(id);
    if (!found) throw notFound();
    const record = await this.settleExpiry(found);
    const status = publicStatus(record, this.deps.clock.now());
    const done = status === 'verified' || status === 'rejected';
    return {
      status,
      flow: record.flow,
      expiresAt: new Date(record.expiresAt).toISOString(),
      requestUri: await this.walletUri(record),
      ...(done && record.flow === 'cross_device' && record.redirectUri !== undefined ? { redirectUri: record.redirectUri } : {}),
    };
  }

  // ---- wallet side ---------------------------------------------------------------------------

  /**
   * The signed request object (OpenID4VP 1.0 §5, RFC 9101), fetched by
   * request_uri. Fetchable again until the request is answered — every fetch
   * carries the same nonce and state — and never after. With
   * request_uri_method=post the wallet may send `wallet_nonce`, echoed in the
   * request object, and `wallet_metadata`.
   */
  async requestObject(id: string, post?: { walletNonce?: unknown; walletMetadata?: unknown }): Promise<string> {
    const found = await this.deps.store.get(id);
    if (!found) throw notFound();
    const sign = this.identityOf(found.owner).sign;
    if (!sign) throw notFound();
    const walletNonce = post ? this.walletNonce(post.walletNonce) : undefined;
    if (post) this.checkWalletMetadata(post.walletMetadata);
    const outcome = await this.transition(id, (current) => {
      if (!OPEN.has(current.status) || this.deps.clock.now() >= current.expiresAt) return null;
      return current.status === 'fetched' ? 'keep' : { ...current, status: 'fetched' };
    });
    if (!outcome.record) throw notFound();
    if (!outcome.changed && !outcome.kept) throw closed(publicStatus(outcome.record, this.deps.clock.now()));
    const payload = await this.requestPayload(outcome.record);
    const now = Math.floor(this.deps.clock.now() / 1000);
    return sign({
      ...payload,
      aud: STATIC_DISCOVERY_AUDIENCE,
      iat: now,
      exp: Math.floor(outcome.record.expiresAt / 1000),
      ...(walletNonce !== undefined ? { wallet_nonce: walletNonce } : {}),
    });
  }

  /**
   * The authorization response (OpenID4VP 1.0 §8.2 direct_post, §8.3
   * direct_post.jwt): verified as one submission through the sign-in use case.
   * A wallet error response (§8.5) ends the request `rejected`.
   */
  async respond(id: string, form: Record<string, unknown>, requestId?: string): Promise<WalletAnswer> {
    const record = await this.deps.store.get(id);
    if (!record) throw notFound();
    // A second response (a replay) or one after expiry or cancellation is refused before anything is decrypted.
    if (!OPEN.has(record.status) || this.deps.clock.now() >= record.expiresAt) throw closed(publicStatus(record, this.deps.clock.now()));
    const parameters = await this.responseParameters(record, form);
    const state = parameters.state;
    if (typeof state !== 'string' || state === '') throw invalidResponse('the response carries no state');
    if (!sameText(state, record.state)) throw invalidResponse('the state is not the one of this request');

    const claimed = await this.transition(id, (current) => {
      if (!OPEN.has(current.status) || this.deps.clock.now() >= current.expiresAt) return null;
      return { ...current, status: 'responding' };
    });
    if (!claimed.changed) throw closed(claimed.record ? publicStatus(claimed.record, this.deps.clock.now()) : 'expired');
    const claimedRecord = claimed.record!;

    if (typeof parameters.error === 'string') {
      const walletError = {
        error: parameters.error.slice(0, 256),
        ...(typeof parameters.error_description === 'string' ? { error_description: parameters.error_description.slice(0, 1024) } : {}),
      };
      await this.auditRejection(claimedRecord, [`wallet.${walletError.error.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64)}`], requestId);
      return this.finish(claimedRecord, 'rejected', { walletError });
    }
    const parsed = parseVpToken(parameters.vp_token, toDcqlQuery((await this.policyOf(claimedRecord)).policy));
    if (!parsed.ok) {
      await this.auditRejection(
        claimedRecord,
        parsed.errors.map((e) => e.code),
        requestId,
      );
      return this.finish(claimedRecord, 'rejected', { errors: parsed.errors });
    }

    const thumbprint = claimedRecord.responseEncryptionKey?.thumbprint;
    try {
      const result = await this.deps.signIn.signIn({
        policyId: claimedRecord.policyId,
        submission: parsed.submission,
        binding: {
          kind: 'oid4vp',
          nonce: claimedRecord.nonce,
          clientId: claimedRecord.clientId,
          responseUri: claimedRecord.responseUri,
          ...(thumbprint !== undefined ? { responseEncryptionJwkThumbprint: new Uint8Array(Buffer.from(thumbprint, 'base64url')) } : {}),
        },
        ...(requestId !== undefined ? { requestId } : {}),
        clientId: claimedRecord.owner,
        ...(claimedRecord.dpopJkt !== undefined ? { dpopJkt: claimedRecord.dpopJkt } : {}),
      });
      return await this.finish(claimedRecord, 'verified', { result });
    } catch (error) {
      if (error instanceof KpartyError && error.code === 'presentation.rejected') {
        return this.finish(claimedRecord, 'rejected', { errors: error.errors ?? [] });
      }
      if (error instanceof KpartyError && error.status < 500) {
        // Refused for a reason that is not the wallet's (e.g. a session binding the sign-in cannot give): the request
        // ends rejected with that reason, and the wallet is answered as for any decision.
        return this.finish(claimedRecord, 'rejected', { errors: [{ code: error.code, path: 'request', detail: error.detail }] });
      }
      // Storage or another failure: the request ends rejected (its nonce may be spent), and the wallet learns it failed.
      const code = error instanceof KpartyError ? error.code : 'internal';
      await this.finish(claimedRecord, 'rejected', { errors: [{ code, path: 'vp_token', detail: 'the response could not be verified' }] }).catch(
        () => undefined,
      );
      throw error;
    }
  }

  /** Deletes requests (and their keys and results) past their purge time. */
  purgeExpired(): Promise<number> {
    return this.deps.store.purgeExpired(this.deps.clock.now());
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The relying party's own identity when the operator gave it one, else the deployment's. */
  private identityOf(owner: string): ClientIdentity {
    return this.deps.relyingPartyIdentities?.get(owner) ?? this.deps.identity;
  }

  private async auditRejection(record: Oid4vpRequestRecord, codes: string[], requestId: string | undefined): Promise<void> {
    await this.deps.auditRejection?.({ owner: record.owner, policyId: record.policyId, codes, ...(requestId !== undefined ? { requestId } : {}) });
  }

  private async policyOf(record: Oid4vpRequestRecord) {
    const stored = await this.deps.policies.find(record.policyId);
    if (!stored) throw new KpartyError('policy.not_found', `the policy "${record.policyId}" of this request no longer exists`);
    return stored;
  }

  /** The request parameters (OpenID4VP 1.0 §5.1) every wallet sees, by reference or by value. */
  private async requestPayload(record: Oid4vpRequestRecord): Promise<Record<string, unknown>> {
    const stored = await this.policyOf(record);
    const display = await relyingPartyDisplay(this.deps.relyingParties, record.owner);
    const key = record.responseEncryptionKey;
    return {
      response_type: 'vp_token',
      client_id: record.clientId,
      response_mode: record.responseMode,
      response_uri: record.responseUri,
      nonce: record.nonce,
      state: record.state,
      dcql_query: toDcqlQuery(stored.policy),
      client_metadata: {
        vp_formats_supported: this.vpFormatsSupported(),
        ...(display.name !== undefined ? { client_name: display.name } : {}),
        ...(display.logoUri !== undefined ? { logo_uri: display.logoUri } : {}),
        ...(key ? { jwks: { keys: [key.publicJwk] }, encrypted_response_enc_values_supported: [...RESPONSE_ENC_VALUES] } : {}),
      },
    };
  }

  /** `openid4vp://` URI: by reference (request_uri) for signed requests, by value for `redirect_uri` (unsigned). */
  private async walletUri(record: Oid4vpRequestRecord): Promise<string> {
    const query = new URLSearchParams({ client_id: record.clientId });
    if (this.identityOf(record.owner).sign) {
      query.set('request_uri', `${this.options.issuer}/v1/oid4vp/request-objects/${record.id}`);
      if (record.requestUriMethod === 'post') query.set('request_uri_method', 'post');
    } else {
      for (const [name, value] of Object.entries(await this.requestPayload(record))) {
        if (name !== 'client_id') query.set(name, typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    return `openid4vp://?${query.toString()}`;
  }

  /**
   * `client_metadata.vp_formats_supported` (OpenID4VP 1.0 §11.1): every
   * format kparty verifies over OpenID4VP, as its handler describes it (the
   * algorithms it accepts), whatever this policy asks for.
   */
  private vpFormatsSupported(): Record<string, unknown> {
    const supported: Record<string, unknown> = {};
    for (const format of this.deps.formats.credentialFormats) {
      if (format.openid4vp) supported[format.id] = format.openid4vp.vpFormatsSupported;
    }
    return supported;
  }

  private async responseParameters(record: Oid4vpRequestRecord, form: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (form.response !== undefined) {
      if (record.responseMode !== 'direct_post.jwt' || !record.responseEncryptionKey) {
        throw invalidResponse('this request asked for response_mode direct_post: send vp_token and state, not response');
      }
      if (typeof form.response !== 'string') throw invalidResponse('response must be a compact JWE');
      return decryptAuthorizationResponse(form.response, record.responseEncryptionKey, this.deps.seal);
    }
    if (record.responseMode === 'direct_post.jwt' && form.error === undefined) {
      throw invalidResponse('this request asked for response_mode direct_post.jwt: send the response encrypted as `response`');
    }
    return form;
  }

  private walletNonce(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '' || value.length > MAX_WALLET_NONCE_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
      throw new KpartyError('request.invalid', `wallet_nonce must be 1 to ${MAX_WALLET_NONCE_LENGTH} printable ASCII characters`);
    }
    return value;
  }

  /** wallet_metadata (OpenID4VP 1.0 §5.10.1): JSON object; if it lists request-object algorithms, ours must be among them. */
  private checkWalletMetadata(value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || value.length > MAX_WALLET_METADATA_LENGTH) {
      throw new KpartyError('request.invalid', `wallet_metadata must be a JSON object of at most ${MAX_WALLET_METADATA_LENGTH} characters`);
    }
    let metadata: unknown;
    try {
      metadata = JSON.parse(value);
    } catch {
      throw new KpartyError('request.invalid', 'wallet_metadata is not JSON');
    }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new KpartyError('request.invalid', 'wallet_metadata must be a JSON object');
    }
  }

  private async checkCallback(principal: Principal, callbackUrl: string): Promise<void> {
    const url = checkUrl('callbackUrl', callbackUrl, this.options.production);
    const origins = principal.role === 'relying_party' ? callbackOriginsOf(await this.deps.relyingParties.get(principal.relyingPartyId)) : [];
    if (!origins.includes(url.origin)) {
      throw new KpartyError('oid4vp.callback_origin_not_registered', `the origin ${url.origin} is not one of this relying party's callbackOrigins`);
    }
  }

  private async newEncryptionKey(): Promise<ResponseEncryptionKey> {
    const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
    return {
      sealedPrivateJwk: this.deps.seal.seal(JSON.stringify(await exportJWK(privateKey))),
      publicJwk: { ...publicJwk, kid: thumbprint, use: 'enc', alg: 'ECDH-ES' },
      thumbprint,
    };
  }

  private async ownedBy(principal: Principal, id: string): Promise<Oid4vpRequestRecord> {
    const record = await this.deps.store.get(id);
    const owner = principal.role === 'operator' ? OPERATOR_OWNER : principal.relyingPartyId;
    // Another relying party's request answers exactly like an unknown one.
    if (!record || (principal.role !== 'operator' && record.owner !== owner)) throw notFound();
    return record;
  }

  /** Records an expiry that has happened (once, so the callback fires once). */
  private async settleExpiry(record: Oid4vpRequestRecord): Promise<Oid4vpRequestRecord> {
    if (publicStatus(record, this.deps.clock.now()) !== 'expired' || record.status === 'expired') return record;
    const outcome = await this.transition(record.id, (current) =>
      publicStatus(current, this.deps.clock.now()) === 'expired' && current.status !== 'expired' ? this.decided(current, 'expired', {}) : null,
    );
    if (outcome.changed) this.deps.onDecision?.(outcome.record!);
    return outcome.record ?? record;
  }

  private decided(
    current: Oid4vpRequestRecord,
    status: 'verified' | 'rejected' | 'expired' | 'cancelled',
    outcome: { result?: unknown; errors?: ErrorEntry[]; walletError?: Oid4vpRequestRecord['walletError']; responseCodeHash?: string },
  ): Oid4vpRequestRecord {
    const now = this.deps.clock.now();
    // The private key is no longer needed once decided: it leaves the record now, and the record later.
    const { responseEncryptionKey: _key, ...rest } = current;
    return {
      ...rest,
      status,
      decidedAt: now,
      purgeAt: now + this.options.resultTtl * 1000,
      ...outcome,
    };
  }

  private async finish(
    record: Oid4vpRequestRecord,
    status: 'verified' | 'rejected',
    outcome: { result?: unknown; errors?: ErrorEntry[]; walletError?: Oid4vpRequestRecord['walletError'] },
  ): Promise<WalletAnswer> {
    const responseCode = record.flow === 'same_device' ? randomToken(32) : undefined;
    const done = await this.transition(record.id, (current) =>
      current.status === 'responding'
        ? this.decided(current, status, { ...outcome, ...(responseCode !== undefined ? { responseCodeHash: sha256Hex(responseCode) } : {}) })
        : null,
    );
    if (!done.changed) throw closed(done.record ? publicStatus(done.record, this.deps.clock.now()) : 'expired');
    this.deps.onDecision?.(done.record!);
    if (responseCode === undefined || record.redirectUri === undefined) return {};
    return { redirect_uri: `${record.redirectUri}#response_code=${responseCode}` };
  }

  /**
   * Read-modify-compare-and-set, retried while other processes change the
   * record: `change` returns the next record, `'keep'` (nothing to write, but
   * allowed), or null (not allowed in this state).
   */
  private async transition(
    id: string,
    change: (current: Oid4vpRequestRecord) => Oid4vpRequestRecord | 'keep' | null,
  ): Promise<{ changed: boolean; kept?: boolean; record: Oid4vpRequestRecord | null }> {
    for (let attempt = 0; attempt < TRANSITION_ATTEMPTS; attempt++) {
      const current = await this.deps.store.get(id);
      if (!current) return { changed: false, record: null };
      const next = change(current);
      if (next === null) return { changed: false, record: current };
      if (next === 'keep') return { changed: false, kept: true, record: current };
      const versioned = { ...next, version: current.version + 1 };
      if (await this.deps.store.replace(versioned, current.version)) return { changed: true, record: versioned };
    }
    throw new KpartyError('service.unavailable', 'the request kept changing under this update', { retryAfter: 1 });
  }
}
