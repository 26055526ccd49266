import { createHash, X509Certificate } from 'node:crypto';
import { DeviceKeyInfo, DeviceResponse, type Document, IssuerNamespaces, IssuerSigned, ValidityInfo, ValueDigests, cborEncode } from '@owf/mdoc';
import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import type { PublicJwk } from '../../crypto/public-jwk.js';
import {
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  PID_DOCTYPE,
  issue,
  makeDeviceKey,
  makeDocumentSigner,
  makeIaca,
  present,
  signRawMso,
  withItem,
  type DeviceKeyPair,
  type TestCertificate,
  type WalletRequest,
} from './__fixtures__/mdoc-test-bed.js';
import { TrustAnchorStore } from '../../trust/index.js';
import { anchoredChainValidator } from './chain-validator.js';
import { openId4VpSessionTranscript } from './session-transcript.js';
import { verifyDeviceResponse, type MdocVerificationInput } from './verify-device-response.js';

/**
 * DeviceResponses made by @owf/mdoc's own issuer (Issuer) and wallet
 * (DeviceSignedBuilder, DeviceResponse, SessionTranscript.forOid4Vp) with an
 * IACA, a document signer and a device key generated here.
 */
const DAY = 24 * 3600 * 1000;
const request: WalletRequest = {
  clientId: 'x509_hash:UcBmS3u0G7pjbkxd9lYYzUTsHDQFN5hS_c3Y5Hv0KCA',
  nonce: 'n-0S6_WzA2Mj-kparty-mdoc-test-nonce-0001',
  responseUri: 'https://verifier.example/v1/oid4vp/responses/abc',
  jwkThumbprint: new Uint8Array(createHash('sha256').update('response-encryption-key').digest()),
};

let iaca: TestCertificate;
let signer: TestCertificate;
let device: DeviceKeyPair;

beforeAll(async () => {
  iaca = await makeIaca();
  signer = await makeDocumentSigner(iaca);
  device = makeDeviceKey();
});

function env(overrides: Partial<MdocVerificationInput> = {}, wallet: WalletRequest = request): MdocVerificationInput {
  return {
    now: Date.now(),
    clockSkewSeconds: 60,
    validateChain: anchoredChainValidator(anchors(iaca)),
    sessionTranscript: openId4VpSessionTranscript(wallet),
    expectedDocType: MDL_DOCTYPE,
    ...overrides,
  };
}

const anchors = (...cas: TestCertificate[]): TrustAnchorStore => TrustAnchorStore.fromPem(cas.map((ca) => new X509Certificate(ca.der).toString()));

const codes = (result: { failures: { code: string }[] }): string[] => result.failures.map((f) => f.code);

describe('verifyDeviceResponse with @owf/mdoc as issuer and wallet', () => {
  it('verifies an mDL: issuer x509_hash, RFC 9278 holder, claims as JSON (full-date, tdate, bytes)', async () => {
    const response = await present(await issue({ signer, device }), device, request);
    const result = verifyDeviceResponse(response, env());
    expect(result.failures).toEqual([]);
    const [document] = result.documents;
    expect(document).toMatchObject({
      path: 'credentials[0]',
      docType: MDL_DOCTYPE,
      issuer: `x509_hash:${createHash('sha256').update(signer.der).digest('base64url')}`,
      holder: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwkThumbprint(device.jwk as PublicJwk)}`,
      claims: {
        [MDL_NAMESPACE]: {
          family_name: 'Mustermann',
          given_name: 'Erika',
          birth_date: '1971-09-01',
          age_over_18: true,
          issue_date: '2024-01-01T00:00:00Z',
          portrait: Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64url'),
        },
      },
      status: [],
    });
    expect(document?.keyIds).toHaveLength(2);
  });

  it('verifies an EU PID (several namespaces) with an unencrypted response (no thumbprint in the transcript)', async () => {
    const plain = { clientId: request.clientId, nonce: request.nonce, responseUri: request.responseUri };
    const pid = await issue({
      signer,
      device,
      docType: PID_DOCTYPE,
      namespaces: { [PID_DOCTYPE]: { family_name: 'Mustermann', age_over_18: true }, 'eu.europa.ec.eudi.pid.de.1': { nationality: 'DE' } },
    });
    const result = verifyDeviceResponse(await present(pid, device, plain), env({ expectedDocType: PID_DOCTYPE }, plain));
    expect(result.failures).toEqual([]);
    expect(result.documents[0]?.claims).toEqual({
      [PID_DOCTYPE]: { family_name: 'Mustermann', age_over_18: true },
      'eu.europa.ec.eudi.pid.de.1': { nationality: 'DE' },
    });
  });

  it('passes the MSO "status" reference on for the Token Status List checker', async () => {
    const now = Date.now();
    const mso = new Map<string, unknown>([
      ['version', '1.0'],
      ['digestAlgorithm', 'SHA-256'],
      ['valueDigests', ValueDigests.create({ digests: new Map() }).encodedStructure],
      ['deviceKeyInfo', DeviceKeyInfo.create({ deviceKey: device.publicKey }).encodedStructure],
      ['docType', MDL_DOCTYPE],
      ['validityInfo', ValidityInfo.create({ signed: new Date(now - DAY), validFrom: new Date(now - DAY), validUntil: new Date(now + DAY) }).encodedStructure],
      [
        'status',
        new Map([
          [
            'status_list',
            new Map<string, unknown>([
              ['idx', 412],
              ['uri', 'https://issuer.example/statuslists/1'],
            ]),
          ],
        ]),
      ],
    ]);
    const issuerSigned = IssuerSigned.create({
      issuerNamespaces: IssuerNamespaces.create({ issuerNamespaces: new Map() }),
      issuerAuth: await signRawMso(mso, signer),
    });
    const result = verifyDeviceResponse(await present(issuerSigned, device, request, { docType: MDL_DOCTYPE }), env());
    expect(result.failures).toEqual([]);
    expect(result.documents[0]?.status).toEqual([{ status_list: { idx: 412, uri: 'https://issuer.example/statuslists/1' } }]);
  });

  it('accepts the DCQL trusted_authorities aki of the IACA, and refuses one that is not on the path', async () => {
    const response = await present(await issue({ signer, device }), device, request);
    const [ok] = verifyDeviceResponse(response, env()).documents;
    const akis = ok?.keyIds ?? [];
    expect(verifyDeviceResponse(response, env({ authorityKeyIds: [akis[1] as string] })).failures).toEqual([]);
    expect(codes(verifyDeviceResponse(response, env({ authorityKeyIds: ['AAAAAAAAAAAAAAAAAAAAAAAAAAA'] })))).toEqual(['credential.issuer_untrusted']);
  });

  it('tolerates an MSO validFrom within the clock skew', async () => {
    const now = Date.now();
    const issuerSigned = await issue({
      signer,
      device,
      validity: { signed: new Date(now + 30_000), validFrom: new Date(now + 30_000), validUntil: new Date(now + DAY) },
    });
    expect(verifyDeviceResponse(await present(issuerSigned, device, request), env()).failures).toEqual([]);
  });

  describe('refuses', () => {
    it('a document signer under an IACA that is not a trust anchor (credential.issuer_untrusted)', async () => {
      const otherIaca = await makeIaca({ name: 'another IACA' });
      const response = await present(await issue({ signer, device }), device, request);
      expect(codes(verifyDeviceResponse(response, env({ validateChain: anchoredChainValidator(anchors(otherIaca)) })))).toEqual([
        'credential.issuer_untrusted',
      ]);
    });

    it('an expired document signer certificate (credential.expired)', async () => {
      const expired = await makeDocumentSigner(iaca, { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
      const response = await present(await issue({ signer: expired, device }), device, request);
      expect(codes(verifyDeviceResponse(response, env()))).toEqual(['credential.expired']);
    });

    it('a chain whose intermediate is not the issuer of the document signer (credential.issuer_untrusted)', async () => {
      const rogue = await makeIaca({ name: 'kparty test IACA' });
      const forged = await makeDocumentSigner(rogue);
      // The rogue CA has the trusted IACA's name but its own key; the chain carries the trusted IACA.
      const response = await present(await issue({ signer: forged, device, chain: [forged.der, iaca.der] }), device, request);
      expect(codes(verifyDeviceResponse(response, env()))).toEqual(['credential.issuer_untrusted']);
    });

    it('a document signer certificate without the ISO/IEC 18013-5 EKU (credential.issuer_untrusted)', async () => {
      const tlsSigner = await makeDocumentSigner(iaca, { eku: ['1.3.6.1.5.5.7.3.1'] });
      const response = await present(await issue({ signer: tlsSigner, device }), device, request);
      expect(codes(verifyDeviceResponse(response, env()))).toEqual(['credential.issuer_untrusted']);
    });

    it('an IssuerAuth not signed by the key of its x5chain certificate (credential.signature_invalid)', async () => {
      const other = await makeDocumentSigner(iaca);
      const response = await present(await issue({ signer: { ...other, der: signer.der }, device }), device, request);
      expect(codes(verifyDeviceResponse(response, env()))).toEqual(['credential.signature_invalid']);
    });

    it('a tampered element value, naming the element (credential.signature_invalid)', async () => {
      const issuerSigned = await issue({ signer, device });
      const original = issuerSigned.getIssuerNamespace(MDL_NAMESPACE)?.find((item) => item.elementIdentifier === 'age_over_18');
      withItem(issuerSigned, MDL_NAMESPACE, {
        digestId: original?.digestId as number,
        random: original?.random as Uint8Array,
        elementIdentifier: 'age_over_18',
        elementValue: false,
      });
      const result = verifyDeviceResponse(await present(issuerSigned, device, request), env());
      expect(result.failures).toEqual([
        { code: 'credential.signature_invalid', path: `credentials[0]["${MDL_NAMESPACE}","age_over_18"]`, detail: expect.stringContaining('tampered') },
      ]);
    });

    it('an element the MSO has no digest for (credential.signature_invalid)', async () => {
      const issuerSigned = withItem(await issue({ signer, device }), MDL_NAMESPACE, {
        digestId: 999_999,
        elementIdentifier: 'age_over_21',
        elementValue: true,
      });
      const result = verifyDeviceResponse(await present(issuerSigned, device, request), env());
      expect(result.failures).toEqual([
        { code: 'credential.signature_invalid', path: `credentials[0]["${MDL_NAMESPACE}","age_over_21"]`, detail: expect.stringContaining('did not sign') },
      ]);
    });

    it('a Document docType other than the MSO docType (credential.signature_invalid)', async () => {
      const issuerSigned = await issue({ signer, device, docType: 'org.example.loyalty.1' });
      const response = await present(issuerSigned, device, request, { docType: MDL_DOCTYPE });
      expect(codes(verifyDeviceResponse(response, env()))).toEqual(['credential.signature_invalid']);
    });

    it('an expired MSO (credential.expired) and one not valid yet (credential.not_yet_valid)', async () => {
      const now = Date.now();
      const old = await issue({
        signer,
        device,
        validity: { signed: new Date(now - 30 * DAY), validFrom: new Date(now - 30 * DAY), validUntil: new Date(now - DAY) },
      });
      expect(codes(verifyDeviceResponse(await present(old, device, request), env()))).toEqual(['credential.expired']);
      const future = await issue({ signer, device, validity: { signed: new Date(now), validFrom: new Date(now + DAY), validUntil: new Date(now + 30 * DAY) } });
      expect(codes(verifyDeviceResponse(await present(future, device, request), env()))).toEqual(['credential.not_yet_valid']);
    });

    it.each([
      ['another nonce', { nonce: 'another-nonce-another-nonce-another-nonce' }],
      ['another client_id', { clientId: 'x509_san_dns:evil.example' }],
      ['another response_uri', { responseUri: 'https://evil.example/response' }],
      ['another response-encryption key', { jwkThumbprint: new Uint8Array(32) }],
    ])('a device signature made for %s (presentation.signature_invalid)', async (_name, change) => {
      const response = await present(await issue({ signer, device }), device, { ...request, ...change });
      const result = verifyDeviceResponse(response, env());
      expect(result.failures).toEqual([expect.objectContaining({ code: 'presentation.signature_invalid', path: 'credentials[0]' })]);
    });

    it('a device signature by a key other than the MSO device key (presentation.signature_invalid)', async () => {
      const response = await present(await issue({ signer, device }), makeDeviceKey(), request);
      expect(codes(verifyDeviceResponse(response, env()))).toEqual(['presentation.signature_invalid']);
    });

    it('deviceMac, saying MAC authentication is not supported (presentation.signature_invalid)', async () => {
      const response = await present(await issue({ signer, device }), device, request, { mac: { readerKey: makeDeviceKey() } });
      const result = verifyDeviceResponse(response, env());
      expect(result.failures).toEqual([
        { code: 'presentation.signature_invalid', path: 'credentials[0]', detail: expect.stringMatching(/deviceMac.*not supported/) },
      ]);
    });

    it('an MSO with an unknown digest algorithm (credential.malformed)', async () => {
      const now = Date.now();
      const mso = new Map<string, unknown>([
        ['version', '1.0'],
        ['digestAlgorithm', 'MD5'],
        ['valueDigests', ValueDigests.create({ digests: new Map() }).encodedStructure],
        ['deviceKeyInfo', DeviceKeyInfo.create({ deviceKey: device.publicKey }).encodedStructure],
        ['docType', MDL_DOCTYPE],
        ['validityInfo', ValidityInfo.create({ signed: new Date(now), validFrom: new Date(now), validUntil: new Date(now + DAY) }).encodedStructure],
      ]);
      const issuerSigned = IssuerSigned.create({
        issuerNamespaces: IssuerNamespaces.create({ issuerNamespaces: new Map() }),
        issuerAuth: await signRawMso(mso, signer),
      });
      const result = verifyDeviceResponse(await present(issuerSigned, device, request, { docType: MDL_DOCTYPE }), env());
      expect(result.failures).toEqual([{ code: 'credential.malformed', path: 'credentials[0]', detail: expect.stringContaining('digestAlgorithm') }]);
    });

    it('a document of another doctype than the query asks for (credential.type_mismatch)', async () => {
      const response = await present(await issue({ signer, device }), device, request);
      expect(codes(verifyDeviceResponse(response, env({ expectedDocType: PID_DOCTYPE })))).toEqual(['credential.type_mismatch']);
    });

    it('a DeviceResponse whose status is not 0 (presentation.malformed)', async () => {
      const response = DeviceResponse.fromEncodedForOid4Vp(await present(await issue({ signer, device }), device, request));
      const failed = DeviceResponse.createSimple({ status: 20, documents: response.documents as Document[] }).encodedForOid4Vp;
      expect(codes(verifyDeviceResponse(failed, env()))).toEqual(['presentation.malformed']);
    });

    it.each([
      ['not base64url', 'not base64url!'],
      ['base64url of something that is not CBOR', Buffer.from('{"json": true}').toString('base64url')],
      ['a CBOR array instead of a map', Buffer.from(cborEncode([1, 2, 3])).toString('base64url')],
      [
        'a map without documents',
        Buffer.from(
          cborEncode(
            new Map<string, unknown>([
              ['version', '1.0'],
              ['status', 0],
            ]),
          ),
        ).toString('base64url'),
      ],
      ['an empty string', ''],
    ])('input that is %s (presentation.malformed)', (_name, input) => {
      expect(codes(verifyDeviceResponse(input, env()))).toEqual(['presentation.malformed']);
    });
  });
});

describe('verifyDeviceResponse on mutated input (never throws)', () => {
  it('answers every single-byte mutation of a valid DeviceResponse with failures or a verified result, never an exception', async () => {
    const valid = Buffer.from(await present(await issue({ signer, device }), device, request), 'base64url');
    // A deterministic walk: every 47th byte, each set to values that change CBOR headers meaningfully
    // (0, an 8-byte length, indefinite bstr/array/map, tag, undefined, break).
    for (let at = 0; at < valid.length; at += 47) {
      for (const value of [0x00, 0x1b, 0x5f, 0x9f, 0xbf, 0xd8, 0xf7, 0xff]) {
        const mutated = Buffer.from(valid);
        mutated[at] = value;
        const result = verifyDeviceResponse(new Uint8Array(mutated), env());
        expect(Array.isArray(result.failures)).toBe(true);
        if (result.failures.length === 0) expect(result.documents).toHaveLength(1);
      }
    }
  });

  it('shows a full-date (tag 1004) or tdate (tag 0) that is not a date as null', async () => {
    const { renderElementValue } = await import('./claims.js');
    const { cborDecode } = await import('@owf/mdoc');
    // 1004("not a date") and 0("nope")
    expect(renderElementValue(cborDecode(new Uint8Array([0xd9, 0x03, 0xec, 0x6a, ...Buffer.from('not a date')])))).toBeNull();
    expect(renderElementValue(cborDecode(new Uint8Array([0xc0, 0x64, ...Buffer.from('nope')])))).toBeNull();
  });
});
