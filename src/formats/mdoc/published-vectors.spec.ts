import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SessionTranscript, type MdocContext } from '@owf/mdoc';
import { TrustAnchorStore } from '../../trust/index.js';
import { pinnedDocumentSigner } from './__fixtures__/pinned-document-signer.js';
import { anchoredChainValidator } from './chain-validator.js';
import { openId4VpSessionTranscript } from './session-transcript.js';
import { verifyDeviceResponse, type MdocVerificationInput } from './verify-device-response.js';

/**
 * Published DeviceResponses (test/vectors/mdoc/README.md): real wallets'
 * answers collected by openwallet-foundation-labs/mdoc-ts and the ISO/IEC
 * 18013-5 Annex D example carried by auth0-lab/mdl, verified with the clock
 * and session transcripts their own tests use.
 */
const VECTORS = new URL('../../../test/vectors/mdoc/', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, VECTORS), 'utf8');
const quoted = (text: string): string => (/\(\s*'([A-Za-z0-9_-]+)'\s*\)/.exec(text) as RegExpExecArray)[1] as string;
const pems = (text: string): Uint8Array[] =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(new X509Certificate(m[0]).raw));
const hexLiterals = (text: string): Uint8Array[] => [...text.matchAll(/hex`([0-9a-f]+)`/g)].map((m) => new Uint8Array(Buffer.from(m[1] as string, 'hex')));

/** The slice of @owf/mdoc's context its session-transcript helpers use (a digest), from node:crypto. */
const digestContext = {
  crypto: {
    digest: ({ digestAlgorithm, bytes }: { digestAlgorithm: string; bytes: Uint8Array }) =>
      new Uint8Array(createHash(digestAlgorithm.replace('-', '').toLowerCase()).update(bytes).digest()),
  },
} as unknown as MdocContext;

/** The Paradym Wallet's answer and the request parameters of mdoc-ts tests/examples/animo-mdoc-05/verify.test.ts. */
const paradym = {
  response: quoted(read('mdoc-ts/animo-mdoc-05/deviceResponse.ts.txt')),
  rootPem: (
    read('mdoc-ts/animo-mdoc-05/issuerCertificate.ts.txt').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) as string[]
  )[1] as string,
  request: {
    clientId: 'x509_san_dns:playground.animo.id',
    nonce: 'LMGPB6k--THpBUSkEBvLxmdMIi3Ee1fjHXXUUzBVa04',
    responseUri: 'https://playground.animo.id/oid4vp/8caaebcc-d48c-471b-86b0-a534e15c4774/authorize?session=6c115dbc-1364-4e9f-a325-173eeec01a5a',
    jwkThumbprint: new Uint8Array(Buffer.from('61a29f269176244d397cae26f7f80ab196bffcb65fe3052b540c78073dab7c1e', 'hex')),
  },
  now: Date.parse('2026-01-12T00:00:00Z'),
};

function paradymEnv(overrides: Partial<MdocVerificationInput> = {}): MdocVerificationInput {
  return {
    now: paradym.now,
    clockSkewSeconds: 60,
    validateChain: anchoredChainValidator(TrustAnchorStore.fromPem([paradym.rootPem])),
    sessionTranscript: openId4VpSessionTranscript(paradym.request),
    expectedDocType: 'eu.europa.ec.eudi.pid.1',
    ...overrides,
  };
}

describe('published mdoc vectors', () => {
  describe('Paradym Wallet, OpenID4VP 1.0 (mdoc-ts tests/examples/animo-mdoc-05)', () => {
    it('verifies with its session transcript and reports issuer, holder and claims', () => {
      const result = verifyDeviceResponse(paradym.response, paradymEnv());
      expect(result.failures).toEqual([]);
      expect(result.documents).toHaveLength(1);
      const [document] = result.documents;
      expect(document?.docType).toBe('eu.europa.ec.eudi.pid.1');
      expect(document?.claims).toEqual({ 'eu.europa.ec.eudi.pid.1': { given_name: 'Erika', family_name: 'Mustermann' } });
      const leaf = pems(read('mdoc-ts/animo-mdoc-05/issuerCertificate.ts.txt'))[0] as Uint8Array;
      expect(document?.issuer).toBe(`x509_hash:${createHash('sha256').update(leaf).digest('base64url')}`);
      expect(document?.holder).toMatch(/^urn:ietf:params:oauth:jwk-thumbprint:sha-256:[A-Za-z0-9_-]{43}$/);
      // The root's subject key identifier (DCQL trusted_authorities aki) is on the path.
      expect(document?.keyIds).toContain('VC5XW1PTYNo6yWnkJGgvBVCtWZU');
    });

    it.each([
      ['another nonce', { nonce: 'LMGPB6k--THpBUSkEBvLxmdMIi3Ee1fjHXXUUzBVa05' }],
      ['another client_id', { clientId: 'x509_san_dns:evil.example' }],
      ['another response_uri', { responseUri: 'https://playground.animo.id/oid4vp/other/authorize' }],
      ['no response-encryption key thumbprint', { jwkThumbprint: undefined }],
    ])('refuses the device signature for %s (presentation.signature_invalid)', (_name, change) => {
      const result = verifyDeviceResponse(paradym.response, paradymEnv({ sessionTranscript: openId4VpSessionTranscript({ ...paradym.request, ...change }) }));
      expect(result.failures).toEqual([expect.objectContaining({ code: 'presentation.signature_invalid', path: 'credentials[0]' })]);
      expect(result.documents).toEqual([]);
    });

    it('refuses the IACA when it is not an anchor (credential.issuer_untrusted)', () => {
      const result = verifyDeviceResponse(paradym.response, paradymEnv({ validateChain: anchoredChainValidator(TrustAnchorStore.empty()) }));
      expect(result.failures.map((f) => f.code)).toEqual(['credential.issuer_untrusted']);
    });

    it('refuses a query for another doctype (credential.type_mismatch)', () => {
      const result = verifyDeviceResponse(paradym.response, paradymEnv({ expectedDocType: 'org.iso.18013.5.1.mDL' }));
      expect(result.failures.map((f) => f.code)).toEqual(['credential.type_mismatch']);
    });

    it('refuses it after the MSO validUntil, and before its validFrom', () => {
      expect(verifyDeviceResponse(paradym.response, paradymEnv({ now: Date.parse('2027-01-12T00:00:00Z') })).failures.map((f) => f.code)).toEqual([
        // The document signer certificate ends 2026-11-28, before the MSO does.
        'credential.expired',
      ]);
      expect(verifyDeviceResponse(paradym.response, paradymEnv({ now: Date.parse('2026-01-07T00:00:00Z') })).failures.map((f) => f.code)).toEqual([
        'credential.not_yet_valid',
      ]);
    });
  });

  describe('OpenID4VP draft 18 handover wallets (mdoc-ts tests/examples/france, ubique)', () => {
    it.each([
      ['france', 'abcdefgh1234567890', '', 'example.com', 'https://example.com/12345/response', '2021-09-25'],
      [
        'ubique',
        'abcdefg',
        '123456',
        'Cq1anPb8vZU5j5C0d7hcsbuJLBpIawUJIDQRi2Ebwb4',
        'http://localhost:4000/api/presentation_request/dc8999df-d6ea-4c84-9985-37a8b81a82ec/callback',
        '2025-02-01',
      ],
    ])(
      '%s: issuer and device proofs verify with the transcript its test uses',
      async (folder, verifierGeneratedNonce, mdocGeneratedNonce, clientId, responseUri, date) => {
        const text = read(`mdoc-ts/${folder}/deviceResponse.ts.txt`);
        const hex = /hex\.decode\(\s*'([0-9a-f]+)'/.exec(text)?.[1];
        const response = hex !== undefined ? new Uint8Array(Buffer.from(hex, 'hex')) : quoted(text);
        const transcript = await SessionTranscript.forOid4VpDraft18({ clientId, responseUri, verifierGeneratedNonce, mdocGeneratedNonce }, digestContext);
        const issuerCertificate = pems(read(`mdoc-ts/${folder}/issuerCertificate.ts.txt`));
        const env: MdocVerificationInput = {
          now: Date.parse(`${date}T00:00:00Z`),
          clockSkewSeconds: 60,
          // Their IACAs are not published: mdoc-ts pins the document signer certificate itself, and so does this
          // test (a trust anchor must be a CA). Ubique's test certificate carries no document-signer EKU.
          validateChain: pinnedDocumentSigner(issuerCertificate[0] as Uint8Array, { requireEku: folder !== 'ubique' }),
          sessionTranscript: transcript.encode(),
        };
        const result = verifyDeviceResponse(response, env);
        expect(result.failures).toEqual([]);
        expect(result.documents[0]?.docType).toBe('org.iso.18013.5.1.mDL');
        // The same response under an OpenID4VP 1.0 transcript: the device signature no longer holds.
        const wrong = verifyDeviceResponse(response, {
          ...env,
          sessionTranscript: openId4VpSessionTranscript({ clientId, nonce: verifierGeneratedNonce, responseUri }),
        });
        expect(wrong.failures.map((f) => f.code)).toEqual(['presentation.signature_invalid']);
      },
    );
  });

  describe('ISO/IEC 18013-5 Annex D DeviceResponse (auth0-lab/mdl __tests__/verifier.tests.ts)', () => {
    const [annexD, annexDTranscriptBytes] = hexLiterals(read('auth0-lab-mdl/__tests___verifier.tests.ts.txt'));
    const dsCertificate = pems(read('mdoc-ts/france/issuerCertificate.ts.txt'));

    it('is refused because it authenticates the device with a MAC (deviceMac), which OpenID4VP cannot establish', () => {
      const result = verifyDeviceResponse(annexD as Uint8Array, {
        now: Date.parse('2021-09-25T00:00:00Z'),
        clockSkewSeconds: 60,
        validateChain: pinnedDocumentSigner(dsCertificate[0] as Uint8Array),
        // SessionTranscriptBytes (tag 24) of Annex D; the SessionTranscript is its content.
        sessionTranscript: (annexDTranscriptBytes as Uint8Array).subarray(5),
      });
      expect(result.failures).toEqual([expect.objectContaining({ code: 'presentation.signature_invalid', detail: expect.stringContaining('deviceMac') })]);
    });

    it('passes every issuer-side check first: an element changed after signing is caught before the MAC', () => {
      const tampered = Buffer.from(annexD as Uint8Array);
      // "family_name" value "Doe" → "Dof" inside its IssuerSignedItemBytes.
      const at = tampered.indexOf(Buffer.from('63446f65', 'hex'));
      expect(at).toBeGreaterThan(0);
      tampered[at + 3] = 0x66;
      const result = verifyDeviceResponse(new Uint8Array(tampered), {
        now: Date.parse('2021-09-25T00:00:00Z'),
        clockSkewSeconds: 60,
        validateChain: pinnedDocumentSigner(dsCertificate[0] as Uint8Array),
        sessionTranscript: (annexDTranscriptBytes as Uint8Array).subarray(5),
      });
      expect(result.failures).toEqual([
        { code: 'credential.signature_invalid', path: 'credentials[0]["org.iso.18013.5.1","family_name"]', detail: expect.stringContaining('tampered') },
      ]);
    });

    it('is refused after its document signer certificate expired (2021-10-01)', () => {
      const result = verifyDeviceResponse(annexD as Uint8Array, {
        now: Date.parse('2022-01-01T00:00:00Z'),
        clockSkewSeconds: 60,
        validateChain: pinnedDocumentSigner(dsCertificate[0] as Uint8Array),
        sessionTranscript: (annexDTranscriptBytes as Uint8Array).subarray(5),
      });
      expect(result.failures.map((f) => f.code)).toEqual(['credential.expired']);
    });
  });
});
