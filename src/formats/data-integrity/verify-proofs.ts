import type { CheckCode } from '../../core/errors.js';
import type { CheckFailure } from '../../core/model/check.js';
import { ImportedKeyCache } from '../../crypto/imported-key-cache.js';
import { verifyJwsSignature } from '../../crypto/node-signatures.js';
import { decodeBase64url } from '../../crypto/base64url.js';
import { decodeBase58btc } from '../../did/base58btc.js';
import type { DidResolver } from '../../did/did-resolver.js';
import { splitDidUrl } from '../../did/did-syntax.js';
import { selectVerificationKeys } from '../../did/select-verification-keys.js';
import { canonizeRdfc, expandSafely, JsonLdDocumentError } from './canonicalize.js';
import { CRYPTOSUITES, hashData, type Cryptosuite } from './cryptosuites.js';
import { checkDocumentCaps, type DataIntegrityLimits } from './document-caps.js';
import { jcs } from './jcs.js';
import type { JsonLdContextSet } from './json-ld-contexts.js';

/** What verifying a Data Integrity proof needs from outside (no framework, no I/O but the DID resolver). */
export interface DataIntegrityEnvironment {
  /** kparty's DidResolver, or (inside the checks table) the documents the "resolve DIDs" check already fetched. */
  dids: Pick<DidResolver, 'resolve'>;
  contexts: JsonLdContextSet;
  limits: DataIntegrityLimits;
  /** Milliseconds since the epoch. */
  now: number;
  clockSkewSeconds: number;
  keys?: ImportedKeyCache;
}

/** Who must have signed, for what, and (presentations) what it must be bound to. */
export interface ProofExpectation {
  role: 'credential' | 'presentation';
  /** The `path` of failures: `credentials[0]`, `presentation`, `statusList`. */
  path: string;
  /**
   * The issuer (credential) or holder (presentation) DID: every proof's
   * verificationMethod must be one of its methods. A list admits proofs by any
   * of several DIDs (proof sets by several parties; kparty's formats always pass one).
   */
  signer: string | readonly string[];
  /** Presentations: the challenge every proof must carry, when the caller knows it already (W3C VC API `options.challenge`). */
  challenge?: string;
  /** Presentations: the domain every proof must name, when the caller knows it already. */
  domain?: string;
}

export type ProofVerification =
  | {
      ok: true;
      /** Presentations: the challenge the proofs carry (all the same), for the caller to consume. */
      challenge?: string;
      /** Presentations: the domain values of the proofs (audience). */
      domains: string[];
      /** verificationMethod of each proof, in order. */
      verificationMethods: string[];
    }
  | { ok: false; failures: CheckFailure[] };

const defaultKeys = new ImportedKeyCache();

/** XSD dateTimeStamp (a time zone is required), as Data Integrity §2.1 requires for `created`/`expires`. */
const DATE_TIME_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class ProofFailure extends Error {
  constructor(
    readonly code: CheckCode,
    detail: string,
  ) {
    super(detail);
  }
}

function codes(role: ProofExpectation['role']) {
  return role === 'credential'
    ? ({
        malformed: 'credential.malformed',
        invalid: 'credential.signature_invalid',
        expired: 'credential.expired',
        early: 'credential.not_yet_valid',
      } as const)
    : ({
        malformed: 'presentation.malformed',
        invalid: 'presentation.signature_invalid',
        expired: 'presentation.expired',
        early: 'presentation.not_yet_valid',
      } as const);
}

function parseDate(value: unknown, name: string, malformed: CheckCode): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DATE_TIME_STAMP.test(value)) throw new ProofFailure(malformed, `proof.${name} is not an XSD dateTimeStamp`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ProofFailure(malformed, `proof.${name} is not a valid date`);
  return ms;
}

function decodeProofValue(value: unknown, invalid: CheckCode): Uint8Array {
  if (typeof value !== 'string' || value.length < 2 || value.length > 1024)
    throw new ProofFailure(invalid, 'proof.proofValue is missing or not a multibase string');
  const bytes = value[0] === 'z' ? decodeBase58btc(value.slice(1)) : value[0] === 'u' ? decodeBase64url(value.slice(1)) : null;
  if (!bytes) throw new ProofFailure(invalid, 'proof.proofValue is not base58btc (z) or base64url (u) multibase');
  return bytes;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Verifies every Data Integrity proof of `securedDocument` (W3C VC Data
 * Integrity 1.0 §4.4 "Verify Proof", §2.1.1/§2.1.2 proof sets and chains: ALL
 * proofs must verify; a proof naming `previousProof` is verified over the
 * document carrying the proofs it names).
 *
 * Before any JSON-LD processing: the caps and the pinned-context allow-list
 * (document-caps.ts). Then, per proof: `type` DataIntegrityProof with a
 * cryptosuite kparty implements, `proofPurpose` assertionMethod (credential) or
 * authentication (presentation), `verificationMethod` a DID URL of the signer
 * whose method is listed under that relationship in the signer's DID document
 * (resolved by kparty's DidResolver — never a library loader) and controlled by
 * the signer, `created` not in the future and `expires` not past (clock skew
 * allowed), presentation `challenge`/`domain`, then the signature.
 *
 * Never throws for anything the input can cause.
 */
export async function verifyDataIntegrityProofs(
  securedDocument: unknown,
  expectation: ProofExpectation,
  env: DataIntegrityEnvironment,
): Promise<ProofVerification> {
  const c = codes(expectation.role);
  const fail = (code: CheckCode, detail: string): ProofVerification => ({ ok: false, failures: [{ code, path: expectation.path, detail }] });
  if (!isObject(securedDocument)) return fail(c.malformed, 'not a JSON object');
  const caps = checkDocumentCaps(securedDocument, env.limits, env.contexts);
  if (!caps.ok) return fail(c.malformed, caps.detail);
  if (securedDocument.proof === undefined) return fail(c.invalid, 'no Data Integrity proof');
  const proofs = asList(securedDocument.proof);
  if (proofs.length === 0) return fail(c.invalid, 'no Data Integrity proof');
  if (proofs.length > env.limits.maxProofs) return fail(c.malformed, `more than ${env.limits.maxProofs} proofs`);
  if (!proofs.every(isObject)) return fail(c.malformed, 'every proof must be a JSON object');

  const { proof: _proofs, ...unsecured } = securedDocument;
  // Cheap checks first: a proof type or cryptosuite kparty does not implement is named before any JSON-LD work.
  const refused: CheckFailure[] = [];
  for (const [index, proof] of (proofs as Array<Record<string, unknown>>).entries()) {
    const problem = unsupportedProof(proof);
    if (problem !== null) refused.push({ code: c.invalid, path: expectation.path, detail: `${problem}${proofs.length > 1 ? ` (proof ${index})` : ''}` });
  }
  if (refused.length > 0) return { ok: false, failures: refused };
  if ((proofs as Array<Record<string, unknown>>).some((proof) => CRYPTOSUITES.get(proof.cryptosuite as string)?.transformation === 'jcs')) {
    // jcs suites never expand the document; safe-mode expansion still refuses undefined terms and unpinned contexts.
    // (rdfc suites get the same refusal from toRDF in safe mode, canonicalize.ts.)
    try {
      await expandSafely(securedDocument, env.contexts);
    } catch (error) {
      return fail(c.malformed, (error as Error).message);
    }
  }

  const failures: CheckFailure[] = [];
  const verificationMethods: string[] = [];
  let challenge: string | undefined;
  const domains: string[] = [];
  // Canonical forms of the unsecured document, per transformation and set of previous proofs: computed once, never shared across documents.
  const canonicalDocuments = new Map<string, Promise<string>>();
  for (const [index, proof] of (proofs as Array<Record<string, unknown>>).entries()) {
    const where = proofs.length > 1 ? ` (proof ${index})` : '';
    try {
      const verified = await verifyOneProof(proof, proofs as Array<Record<string, unknown>>, unsecured, expectation, env, canonicalDocuments);
      verificationMethods.push(verified.verificationMethod);
      if (verified.challenge !== undefined) {
        if (challenge !== undefined && challenge !== verified.challenge) throw new ProofFailure(c.invalid, 'the proofs carry different challenges');
        challenge = verified.challenge;
      }
      for (const domain of verified.domains) if (!domains.includes(domain)) domains.push(domain);
    } catch (error) {
      if (error instanceof ProofFailure) failures.push({ code: error.code, path: expectation.path, detail: `${error.message}${where}` });
      else if (error instanceof JsonLdDocumentError) failures.push({ code: c.malformed, path: expectation.path, detail: `${error.message}${where}` });
      else failures.push({ code: c.invalid, path: expectation.path, detail: `the proof could not be verified${where}` });
    }
  }
  if (failures.length > 0) return { ok: false, failures };
  return { ok: true, ...(challenge !== undefined ? { challenge } : {}), domains, verificationMethods };
}

/** Why kparty cannot verify this proof at all (type or cryptosuite), or null. */
function unsupportedProof(proof: Record<string, unknown>): string | null {
  if (proof.type !== 'DataIntegrityProof')
    return `unsupported proof type ${JSON.stringify(String(proof.type).slice(0, 80))} (kparty verifies DataIntegrityProof)`;
  if (typeof proof.cryptosuite !== 'string' || !CRYPTOSUITES.has(proof.cryptosuite)) {
    return `unsupported cryptosuite ${JSON.stringify(String(proof.cryptosuite).slice(0, 80))} (kparty verifies ${[...CRYPTOSUITES.keys()].join(', ')})`;
  }
  return null;
}

interface VerifiedProof {
  verificationMethod: string;
  challenge?: string;
  domains: string[];
}

async function verifyOneProof(
  proof: Record<string, unknown>,
  proofSet: Array<Record<string, unknown>>,
  unsecured: Record<string, unknown>,
  expectation: ProofExpectation,
  env: DataIntegrityEnvironment,
  canonicalDocuments: Map<string, Promise<string>>,
): Promise<VerifiedProof> {
  const c = codes(expectation.role);
  const presentation = expectation.role === 'presentation';
  const suite = CRYPTOSUITES.get(proof.cryptosuite as string) as Cryptosuite;
  const relationship = presentation ? 'authentication' : 'assertionMethod';
  if (proof.proofPurpose !== relationship) {
    throw new ProofFailure(c.invalid, `proofPurpose must be ${relationship}, not ${JSON.stringify(String(proof.proofPurpose).slice(0, 80))}`);
  }

  // The verification method: a DID URL of the signer, in the signer's document under the relationship.
  const method = proof.verificationMethod;
  const parts = typeof method === 'string' ? splitDidUrl(method) : null;
  if (typeof method !== 'string' || !parts || parts.fragment === undefined)
    throw new ProofFailure(c.invalid, 'proof.verificationMethod must be a DID URL naming a verification method');
  const signers = typeof expectation.signer === 'string' ? [expectation.signer] : expectation.signer;
  const signer = signers.find((did) => did === parts.did);
  if (signer === undefined) {
    throw new ProofFailure(
      c.invalid,
      `proof.verificationMethod is not a method of the ${presentation ? 'holder' : 'issuer'} ${signers.join(', ').slice(0, 200)}`,
    );
  }
  const resolution = await env.dids.resolve(signer);
  if (!resolution.ok) throw new ProofFailure(resolution.code, resolution.detail);
  const selection = selectVerificationKeys(resolution.document, { did: signer, kid: method, relationship });
  if (!selection.ok) throw new ProofFailure('did.key_not_found', selection.detail);
  const key = selection.keys[0]!;
  if (key.controller !== signer) throw new ProofFailure(c.invalid, `the verification method's controller is not ${signer.slice(0, 200)}`);
  const algorithm = suite.algorithmFor(key);
  if (!algorithm) throw new ProofFailure(c.invalid, `the verification method's key does not fit ${suite.name}`);

  // Times: created not in the future, expires not past.
  const skew = env.clockSkewSeconds * 1000;
  const created = parseDate(proof.created, 'created', c.malformed);
  const expires = parseDate(proof.expires, 'expires', c.malformed);
  if (created !== undefined && created > env.now + skew) throw new ProofFailure(c.early, 'the proof was created in the future');
  if (expires !== undefined && expires < env.now - skew) throw new ProofFailure(c.expired, `the proof expired at ${new Date(expires).toISOString()}`);

  // Presentations: bound to a challenge and (when asked) a domain.
  let challenge: string | undefined;
  const domains: string[] = [];
  if (presentation) {
    if (typeof proof.challenge !== 'string' || proof.challenge.length === 0)
      throw new ProofFailure('challenge.missing', 'the presentation proof carries no challenge');
    challenge = proof.challenge;
    if (expectation.challenge !== undefined && challenge !== expectation.challenge)
      throw new ProofFailure('challenge.unknown', 'the presentation proof carries another challenge');
    if (proof.domain !== undefined) {
      for (const domain of asList(proof.domain)) {
        if (typeof domain !== 'string') throw new ProofFailure(c.malformed, 'proof.domain must be a string or an array of strings');
        domains.push(domain);
      }
    }
    if (expectation.domain !== undefined && !domains.includes(expectation.domain))
      throw new ProofFailure('audience.mismatch', 'the presentation proof is not for this domain');
  }

  const signature = decodeProofValue(proof.proofValue, c.invalid);

  // Proof options (the proof without its value) and the unsecured document it covers.
  const { proofValue: _value, ...options } = proof;
  const document: Record<string, unknown> = { ...unsecured };
  const previous = proof.previousProof;
  let chainKey = '';
  if (previous !== undefined) {
    const ids = asList(previous);
    if (!ids.every((id) => typeof id === 'string')) throw new ProofFailure(c.malformed, 'proof.previousProof must be a string or an array of strings');
    const matching = (ids as string[]).map((id) => {
      const found = proofSet.find((candidate) => candidate.id === id && candidate !== proof);
      if (!found) throw new ProofFailure(c.invalid, 'proof.previousProof names a proof the document does not carry');
      return found;
    });
    document.proof = matching.length === 1 ? matching[0] : matching;
    chainKey = (ids as string[]).join('\u0000');
  }
  if (options['@context'] !== undefined) {
    // The document's @context must start with the proof's (DI EdDSA/ECDSA "Verify Proof" step 4), compared as JSON, not by identity.
    const proofContext = asList(options['@context']);
    const documentContext = asList(document['@context']);
    if (!proofContext.every((item, i) => i < documentContext.length && jcs(item) === jcs(documentContext[i]))) {
      throw new ProofFailure(c.invalid, "the document's @context does not start with the proof's @context");
    }
    document['@context'] = options['@context'];
  }
  const proofConfig: Record<string, unknown> = { ...options };
  if (document['@context'] !== undefined) proofConfig['@context'] = document['@context'];

  let canonicalProof: string;
  let canonicalDocument: string;
  if (suite.transformation === 'rdfc') {
    const digest = algorithm.hash === 'sha384' ? 'SHA-384' : 'SHA-256';
    const key = `rdfc\u0001${digest}\u0001${chainKey}\u0001${options['@context'] !== undefined ? jcs(options['@context']) : ''}`;
    let pending = canonicalDocuments.get(key);
    if (!pending) {
      pending = canonizeRdfc(document, env.contexts, env.limits, digest);
      canonicalDocuments.set(key, pending);
    }
    [canonicalProof, canonicalDocument] = await Promise.all([canonizeRdfc(proofConfig, env.contexts, env.limits, digest), pending]);
  } else {
    canonicalProof = jcs(proofConfig);
    canonicalDocument = jcs(document);
  }

  const data = hashData(algorithm.hash, canonicalProof, canonicalDocument);
  const keys = env.keys ?? defaultKeys;
  let valid: boolean;
  try {
    valid = await verifyJwsSignature(algorithm.alg, data, keys.get(key.jwk), signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new ProofFailure(c.invalid, `the ${suite.name} signature does not verify`);
  return { verificationMethod: method, ...(challenge !== undefined ? { challenge } : {}), domains };
}
