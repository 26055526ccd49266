/**
 * A test bed for status checks: an issuer, a stranger and a delegated
 * status-list signer (real did:key identities), a DID resolver, an
 * in-memory Fetcher publishing lists at https://status.example/…, a list
 * source with the default cache settings, a clock frozen at 2026-01-15 12:00 UTC,
 * and the credential (as parsed) whose status is checked.
 */
import type { ParsedCredential } from '../../core/model/presentation.js';
import { DidResolver } from '../../did/did-resolver.js';
import { DidJwkResolver } from '../../did/methods/jwk.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import { ed25519Identity, p256Identity, type TestIdentity } from '../../../test/support/identities.js';
import { FakeFetcher, signerOf } from '../../../test/support/status-lists.js';
import {
  BitstringStatusListBuilder,
  TokenStatusListBuilder,
  issueStatusListToken,
  issueW3cStatusListCredential,
  type W3cStatusListCredentialOptions,
} from '../issuing/index.js';
import type { StatusCheckRequest } from '../status-checker.js';
import { StatusListSource, type StatusListCacheSettings } from '../status-list-source.js';
import type { StatusBits } from '../token-status-list/status-list-bits.js';

/** 2026-01-15T12:00:00Z: the frozen now of status tests. */
export const NOW = Date.parse('2026-01-15T12:00:00Z');
export const HOUR = 3_600_000;
export const MAX_LIST_BYTES = 16 * 1024 * 1024;
export const DEFAULT_CACHE: StatusListCacheSettings = { minTtlSeconds: 60, maxTtlSeconds: 3600, staleGraceSeconds: 600, clockSkewSeconds: 60 };

export const issuer = ed25519Identity();
export const stranger = ed25519Identity();
/** A status-list service the issuer delegates to (named in a policy's trustedIssuers). */
export const delegate = p256Identity();
export const dids = new DidResolver([new DidKeyResolver(), new DidJwkResolver()]);

export function statusUrl(name: string): string {
  return `https://status.example/${name}`;
}

/** The credential under check, as a format handler parses it. */
export function credentialWithStatus(status: unknown[], issuerDid = issuer.did): ParsedCredential {
  return {
    format: 'jwt_vc_json',
    ref: { presentation: 0, credential: 0 },
    path: 'credentials[0]',
    issuer: issuerDid,
    issuerKey: { kind: 'did', did: issuerDid },
    holderBinding: [{ path: 'credentials[0]' }],
    types: ['VerifiableCredential', 'EmployeeCredential'],
    document: { credentialSubject: { role: 'staff' } },
    status: status.map((entry, index) => ({ entry, path: `credentials[0].credentialStatus[${index}]` })),
    proof: { compact: 'not.used.here', alg: 'EdDSA' },
  };
}

export function checkRequest(entry: unknown, overrides: Partial<StatusCheckRequest> = {}): StatusCheckRequest {
  return {
    credential: credentialWithStatus([entry]),
    entry,
    allowStale: false,
    mayIssueStatusList: () => false,
    now: NOW,
    ...overrides,
  };
}

export interface TestBed {
  fetcher: FakeFetcher;
  source: StatusListSource;
}

export function testBed(settings: Partial<StatusListCacheSettings> = {}): TestBed {
  const fetcher = new FakeFetcher();
  return { fetcher, source: new StatusListSource(fetcher, { ...DEFAULT_CACHE, ...settings }) };
}

export interface W3cListOptions extends Partial<Omit<W3cStatusListCredentialOptions, 'list' | 'signer' | 'url'>> {
  by?: TestIdentity;
  /** Indexes to set (to 1, or to the given value). */
  set?: Array<number | [number, number]>;
  entries?: number;
  statusSize?: number;
}

/** Signs a W3C status list credential (valid from an hour before {@link NOW}). */
export async function w3cList(url: string, options: W3cListOptions = {}): Promise<string> {
  const list = new BitstringStatusListBuilder({
    ...(options.entries !== undefined ? { entries: options.entries } : {}),
    ...(options.statusSize !== undefined ? { statusSize: options.statusSize } : {}),
  });
  for (const item of options.set ?? []) {
    if (Array.isArray(item)) list.set(item[0], item[1]);
    else list.set(item, 1);
  }
  return issueW3cStatusListCredential({
    purpose: 'revocation',
    validFrom: new Date(NOW - HOUR),
    ...options,
    url,
    list,
    signer: await signerOf(options.by ?? issuer),
  });
}

export interface TokenListOptions {
  by?: TestIdentity;
  bits?: StatusBits;
  entries?: number;
  set?: Array<[number, number]>;
  ttlSeconds?: number;
  expiresAt?: Date;
  withIssuer?: boolean;
  /** `sub` other than the URL. */
  sub?: string;
}

/** Signs a Status List Token issued an hour before {@link NOW}. */
export async function tokenList(url: string, options: TokenListOptions = {}): Promise<string> {
  const list = new TokenStatusListBuilder({ bits: options.bits ?? 2, entries: options.entries ?? 1024 });
  for (const [index, value] of options.set ?? []) list.set(index, value);
  return issueStatusListToken({
    uri: options.sub ?? url,
    list,
    signer: await signerOf(options.by ?? issuer),
    issuedAt: new Date(NOW - HOUR),
    ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
    ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    ...(options.withIssuer !== undefined ? { withIssuer: options.withIssuer } : {}),
  });
}
