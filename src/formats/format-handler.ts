/**
 * What a presentation format answers, so that nothing outside src/formats/
 * needs to know a format by name (docs/architecture.md "Format handlers").
 *
 * A format is a folder under src/formats/ exporting a {@link FormatModule},
 * listed once in src/formats/registered-formats.ts. The checks table
 * (src/verification/) asks the handler to parse an input into the neutral
 * model (src/core/model/presentation.ts) and to verify the proofs; the
 * policy (src/policy/) asks the credential formats which DCQL `meta` keys
 * apply, whether a credential matches them and what "all claims" means.
 */
import type { CheckFailure } from '../core/model/check.js';
import type { CredentialQuery } from '../core/model/policy.js';
import type { ParsedCredential, ParsedPresentation } from '../core/model/presentation.js';
import type { Fetcher } from '../core/ports/fetcher.js';
import type { DidDocument } from '../did/did-document.js';
import type { DidResolver } from '../did/did-resolver.js';
import type { JwtVcIssuerMetadataResolver } from '../trust/jwt-vc-issuer-metadata.js';
import type { TrustAnchorStore } from '../trust/trust-anchors.js';
import type { DataIntegritySettings } from './data-integrity/ldp-format.js';

/** The two ways a submission arrives (src/verification/submission.ts `SubmissionBinding['kind']`). */
export type BindingKind = 'challenge' | 'oid4vp';

/** Where the presentation being parsed sits in its submission: paths and indexes for the neutral model. */
export interface ParseScope {
  /** Index of the presentation in the submission. */
  readonly index: number;
  /** Path of failures about the presentation itself: `presentation`, `vpToken.pid[0]`. */
  readonly path: string;
  /** The DCQL credential query the wallet answered with it (OpenID4VP `vp_token` key), if given. */
  readonly queryId?: string;
  /** Path of the presentation's credential number `index`: `credentials[0]`, `vpToken.pid[0].credentials[0]`. */
  credentialPath(index: number): string;
}

export type ParseOutcome =
  | {
      ok: true;
      presentation: ParsedPresentation;
      /** Credentials that could not be parsed; the others are in `presentation.credentials`. */
      failures: CheckFailure[];
    }
  | { ok: false; failures: CheckFailure[] };

/**
 * What every presentation of the submission must be bound to, decided by
 * the submission checks from the SubmissionBinding (never read from the
 * presentation being checked).
 */
export interface ExpectedBinding {
  /** The challenge: the consumed challenge's nonce, or the OpenID4VP request's nonce; absent when none is known. */
  readonly nonce?: string;
  /** The audience: the challenge's `domain`, or the OpenID4VP `client_id`. */
  readonly audience: string;
  /** OpenID4VP 1.0 SessionTranscript inputs (Appendix B.2.6.1) when the submission came through OpenID4VP. */
  readonly oid4vp?: {
    readonly nonce: string;
    readonly clientId: string;
    readonly responseUri: string;
    readonly responseEncryptionJwkThumbprint?: Uint8Array;
  };
}

/** What a proof verification may use: per verification, never shared between submissions. */
export interface ProofEnvironment {
  /** Milliseconds since the epoch, fixed for the whole verification. */
  readonly now: number;
  /** KPARTY_CLOCK_SKEW, seconds. */
  readonly clockSkewSeconds: number;
  readonly binding: ExpectedBinding;
  /** The resolved document of a `did` key source: null when it did not resolve (already reported), undefined when never asked for. */
  didDocument(did: string): DidDocument | null | undefined;
  /**
   * The policy's credential queries this credential could answer (same
   * format; the wallet's query when it named one): where a format reads
   * issuer-trust inputs it defines (pinned keys, `trusted_authorities`).
   */
  queriesFor(credential: ParsedCredential): readonly CredentialQuery[];
}

/** A credential format (policy `format`, DCQL, OpenID4VP 1.0 identifiers) as the policy sees it. */
export interface CredentialFormat {
  /** Policy / DCQL `format` value. */
  readonly id: string;
  /**
   * The OpenID4VP 1.0 format identifier's `vp_formats_supported` entry
   * (client_metadata); absent when the format has no OpenID4VP 1.0
   * identifier, so it is usable only through POST /v1/presentations/verify and POST /v1/token.
   */
  readonly openid4vp?: { readonly vpFormatsSupported: Readonly<Record<string, unknown>> };
  /** DCQL `meta` members this format defines (OpenID4VP 1.0 Appendix B). */
  readonly metaKeys: readonly string[];
  /** `meta` members a query must give, or conforming wallets refuse the DCQL kparty hands out. */
  readonly requiredMetaKeys: readonly string[];
  /** Why `credential` does not match the query's `meta` (each a `credential.type_mismatch` detail); [] when it does. */
  metaMismatches(meta: Readonly<Record<string, unknown>>, credential: ParsedCredential): string[];
  /** What the relying party sees of a credential answering a query without `claims` ("all claims", OpenID4VP 1.0 §6.4.1). */
  allClaims(credential: ParsedCredential): Record<string, unknown>;
}

/**
 * One presentation format. Parsing verifies nothing; the two proof checks
 * never throw for anything the input can cause: each returns its failures,
 * [] meaning the proof verified.
 */
export interface FormatHandler {
  /** Presentation format id (`jwt_vp_json`, `vp+jwt`, …), reported in the audit log. */
  readonly presentationFormat: string;
  /** The credential formats its presentations carry. */
  readonly credentialFormats: readonly CredentialFormat[];
  /** The submissions it can be part of: `challenge` (POST /v1/presentations/verify, POST /v1/token) and/or `oid4vp`. */
  readonly bindings: readonly BindingKind[];
  /** Whether `input` looks like this format (cheap: header and top-level shape only, caps before decoding). */
  recognises(input: unknown): boolean;
  parse(input: unknown, scope: ParseScope): ParseOutcome;
  /**
   * The holder's proof (VP signature, KB-JWT, DeviceAuth, Data Integrity
   * proof): made with the holder's key over this presentation, and, where
   * the challenge is `proved` rather than `stated`, over `env.binding`.
   */
  verifyHolderProof(presentation: ParsedPresentation, env: ProofEnvironment): Promise<CheckFailure[]>;
  /**
   * The issuer's proof over one credential (and whatever the format derives
   * from it: disclosure digests, X.509 chain — setting `issuerKeyIds`).
   */
  verifyIssuerProof(credential: ParsedCredential, env: ProofEnvironment): Promise<CheckFailure[]>;
}

/** Long-lived services a handler may be built with (the composition root supplies them). */
export interface FormatServices {
  readonly dids: DidResolver;
  readonly fetcher: Fetcher;
  /** KPARTY_TRUST_ANCHORS (src/trust/): where X.509 issuer chains must end (mdoc document signers). Absent: none. */
  readonly trustAnchors?: TrustAnchorStore;
  /** KPARTY_MDOC_MAX_BYTES / _MAX_DEPTH / _MAX_ITEMS (src/formats/mdoc/cbor-scan.ts). */
  readonly mdocLimits?: { readonly maxBytes: number; readonly maxDepth: number; readonly maxItems: number };
  /** Data Integrity: the pinned JSON-LD contexts and caps (src/formats/data-integrity/); bundled contexts and default caps when absent. */
  readonly dataIntegrity?: DataIntegritySettings;
  /** Keys of https credential issuers from their jwt-vc-issuer metadata (src/trust/jwt-vc-issuer-metadata.ts). */
  readonly issuerMetadata?: JwtVcIssuerMetadataResolver;
  /** KPARTY_CHALLENGE_TTL, seconds: how old a holder proof made for a challenge may be. */
  readonly challengeTtlSeconds?: number;
}

/** A format as registered: its credential formats (for policy validation) and how to build its handler. */
export interface FormatModule {
  readonly credentialFormats: readonly CredentialFormat[];
  createHandler(services: FormatServices): FormatHandler;
}

/** Shorthand for a failure of one parsed credential, carrying its reference. */
export function credentialFailed(
  credential: Pick<ParsedCredential, 'path' | 'ref'>,
  code: CheckFailure['code'],
  detail: string,
  path = credential.path,
): CheckFailure {
  return { code, path, detail, credential: credential.ref };
}

/** Shorthand for a failure of one parsed presentation, carrying its index. */
export function presentationFailed(presentation: Pick<ParsedPresentation, 'path' | 'index'>, code: CheckFailure['code'], detail: string): CheckFailure {
  return { code, path: presentation.path, detail, presentation: presentation.index };
}
