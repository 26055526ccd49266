/**
 * A toy presentation format, registered only by tests, to prove that a
 * format is a folder + a registration: the checks table and the policy
 * evaluation run it without knowing its name.
 *
 * A toy presentation is a JSON object `{ toy: 'vp', holder, nonce?, aud?,
 * credentials, proof }`; a toy credential `{ issuer, subject, type, claims,
 * exp?, status?, proof }`. Proofs are HMAC-SHA256 (base64url) under a secret
 * per party, known to the format's key book: the holder's over the
 * presentation, the issuer's over the credential. With `transcript: true` the
 * challenge is not stated: the holder's proof covers the OpenID4VP inputs
 * instead (as an mdoc's DeviceAuth does).
 */
import { createHmac } from 'node:crypto';
import type { CheckFailure } from '../../core/model/check.js';
import type { ParsedCredential, ParsedPresentation } from '../../core/model/presentation.js';
import {
  credentialFailed,
  presentationFailed,
  type BindingKind,
  type CredentialFormat,
  type ExpectedBinding,
  type FormatHandler,
  type ParseOutcome,
} from '../../formats/format-handler.js';

export const TOY_FORMAT = 'toy_vc';

/** The toy's "key book": party id → HMAC secret. */
export type ToyKeys = Record<string, string>;

export interface ToyCredentialInput {
  issuer: string;
  subject?: string | undefined;
  /** Several subjects (each a holder-binding place). */
  subjects?: string[];
  type: string;
  claims: Record<string, unknown>;
  exp?: number;
  status?: Record<string, unknown>;
  /** A DID issuer key source instead of the key book (exercises the resolve-DIDs check). */
  issuerDid?: string;
  proof?: string;
}

export interface ToyPresentationInput {
  toy: 'vp';
  holder?: string;
  nonce?: string;
  aud?: string;
  transcript?: boolean;
  credentials: ToyCredentialInput[];
  proof?: string;
}

const mac = (secret: string, data: unknown): string => createHmac('sha256', secret).update(JSON.stringify(data)).digest('base64url');

function credentialBody(credential: ToyCredentialInput): Omit<ToyCredentialInput, 'proof'> {
  const { proof: _proof, ...body } = credential;
  return body;
}

function presentationBody(presentation: ToyPresentationInput, binding?: ExpectedBinding['oid4vp']): unknown {
  const { proof: _proof, ...body } = presentation;
  return presentation.transcript ? { ...body, transcript: binding ?? null } : body;
}

/** Signs a toy credential with its issuer's secret. */
export function toyCredential(keys: ToyKeys, credential: ToyCredentialInput): ToyCredentialInput {
  return { ...credential, proof: mac(keys[credential.issuer] ?? 'no-key', credentialBody(credential)) };
}

/** Signs a toy presentation with its holder's secret (over the OpenID4VP inputs when `transcript`). */
export function toyPresentation(keys: ToyKeys, presentation: Omit<ToyPresentationInput, 'toy'>, transcript?: ExpectedBinding['oid4vp']): ToyPresentationInput {
  const unsigned: ToyPresentationInput = { toy: 'vp', ...presentation };
  return { ...unsigned, proof: mac(keys[presentation.holder ?? ''] ?? 'no-key', presentationBody(unsigned, transcript)) };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The toy credential format: `meta.toy_types` (the credential's type must be one of them); "all claims" = its claims. */
export const toyCredentialFormat: CredentialFormat = {
  id: TOY_FORMAT,
  metaKeys: ['toy_types'],
  requiredMetaKeys: [],
  metaMismatches(meta, credential) {
    const wanted = meta.toy_types;
    if (wanted === undefined) return [];
    return Array.isArray(wanted) && wanted.includes(credential.types[0]) ? [] : [`type ${String(credential.types[0])} is not one of the toy types`];
  },
  allClaims: (credential) => structuredClone(credential.document),
};

/** The toy format's handler over a key book; `bindings` lets a test restrict where it may be presented. */
export function toyFormat(keys: ToyKeys, bindings: readonly BindingKind[] = ['challenge', 'oid4vp']): FormatHandler {
  return {
    presentationFormat: 'toy_vp',
    credentialFormats: [toyCredentialFormat],
    bindings,
    recognises: (input) => isObject(input) && input.toy === 'vp',
    parse(input, scope): ParseOutcome {
      const vp = input as unknown as ToyPresentationInput;
      if (!Array.isArray(vp.credentials)) return { ok: false, failures: [{ code: 'presentation.malformed', path: scope.path, detail: 'no credentials list' }] };
      const failures: CheckFailure[] = [];
      const credentials: ParsedCredential[] = [];
      vp.credentials.forEach((entry, index) => {
        const path = scope.credentialPath(index);
        if (!isObject(entry) || typeof entry.issuer !== 'string' || typeof entry.type !== 'string' || !isObject(entry.claims)) {
          failures.push({ code: 'credential.malformed', path, detail: 'not a toy credential' });
          return;
        }
        const subjects = entry.subjects ?? (entry.subject !== undefined ? [entry.subject] : []);
        credentials.push({
          format: TOY_FORMAT,
          ref: { presentation: scope.index, credential: index },
          path,
          ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
          issuer: entry.issuerDid ?? entry.issuer,
          issuerKey: entry.issuerDid !== undefined ? { kind: 'did', did: entry.issuerDid } : { kind: 'format' },
          ...(subjects[0] !== undefined ? { subject: subjects[0] } : {}),
          holderBinding: subjects.map((id, i) => ({ id, path: subjects.length > 1 ? `${path}.subjects[${i}]` : path })),
          types: [entry.type],
          document: structuredClone(entry.claims),
          ...(entry.exp !== undefined ? { expiresAt: entry.exp } : {}),
          status: entry.status !== undefined ? [{ entry: entry.status, path: `${path}.status` }] : [],
          proof: entry,
        });
      });
      const presentation: ParsedPresentation = {
        format: 'toy_vp',
        index: scope.index,
        path: scope.path,
        ...(scope.queryId !== undefined ? { queryId: scope.queryId } : {}),
        ...(vp.holder !== undefined ? { holder: vp.holder, holderKey: { kind: 'format' } } : {}),
        challenge: vp.transcript
          ? { kind: 'proved' }
          : { kind: 'stated', ...(vp.nonce !== undefined ? { nonce: vp.nonce } : {}), audience: vp.aud !== undefined ? [vp.aud] : [] },
        credentials,
        proof: vp,
      };
      return { ok: true, presentation, failures };
    },
    async verifyHolderProof(presentation, env) {
      const vp = presentation.proof as ToyPresentationInput;
      const secret = keys[presentation.holder ?? ''];
      if (vp.transcript && env.binding.oid4vp === undefined) {
        return [presentationFailed(presentation, 'presentation.signature_invalid', 'a transcript-bound toy needs the OpenID4VP inputs')];
      }
      const expected = secret === undefined ? undefined : mac(secret, presentationBody(vp, env.binding.oid4vp));
      return expected !== undefined && expected === vp.proof
        ? []
        : [presentationFailed(presentation, 'presentation.signature_invalid', "the holder's toy proof does not verify")];
    },
    async verifyIssuerProof(credential, env) {
      const entry = credential.proof as ToyCredentialInput;
      if (credential.issuerKey.kind === 'did' && !env.didDocument(credential.issuerKey.did)) {
        return [credentialFailed(credential, 'credential.signature_invalid', 'the issuer DID did not resolve')];
      }
      const secret = keys[entry.issuer];
      const expected = secret === undefined ? undefined : mac(secret, credentialBody(entry));
      return expected !== undefined && expected === entry.proof
        ? []
        : [credentialFailed(credential, 'credential.signature_invalid', "the issuer's toy proof does not verify")];
    },
  };
}
