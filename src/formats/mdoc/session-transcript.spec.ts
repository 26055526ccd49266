import { jwkThumbprint } from '../../crypto/jwk-thumbprint.js';
import { cborEncode } from './cbor.js';
import { openId4VpHandover, openId4VpSessionTranscript } from './session-transcript.js';

/**
 * The non-normative example of OpenID4VP 1.0 Appendix B.2.6.1 ("Invocation
 * via Redirects"), openid/OpenID4VP 1.0/openid-4-verifiable-presentations-1_0.md
 * at 46f6965b07e99ea84c9d74d1a262e264427c64f7.
 */
const EXAMPLE = {
  jwk: { kty: 'EC', crv: 'P-256', x: 'DxiH5Q4Yx3UrukE2lWCErq8N8bqC9CHLLrAwLz5BmE0', y: 'XtLM4-3h5o3HUH0MHVJV0kyq0iBlrBwlh8qEDMZ4-Pc' } as const,
  handoverInfo:
    '847818783530395f73616e5f646e733a6578616d706c652e636f6d782b6578633767' +
    '426b786a7831726463397564527276654b7653734a4971383061766c58654c486847' +
    '7771744158204283ec927ae0f208daaa2d026a814f2b22dca52cf85ffa8f3f8626c6' +
    'bd669047781c68747470733a2f2f6578616d706c652e636f6d2f726573706f6e7365',
  handover: '82714f70656e494434565048616e646f7665725820048bc053c00442af9b8eed494c' + 'efdd9d95240d254b046b11b68013722aad38ac',
  sessionTranscript: '83f6f682714f70656e494434565048616e646f7665725820048bc053c00442af9b8e' + 'ed494cefdd9d95240d254b046b11b68013722aad38ac',
};

describe('OpenID4VP 1.0 session transcript (Appendix B.2.6.1)', () => {
  const thumbprint = new Uint8Array(Buffer.from(jwkThumbprint(EXAMPLE.jwk), 'base64url'));
  const input = {
    clientId: 'x509_san_dns:example.com',
    nonce: 'exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA',
    responseUri: 'https://example.com/response',
    jwkThumbprint: thumbprint,
  };

  it("hashes the same OpenID4VPHandoverInfo as the specification example (its jwkThumbprint is the example JWK's RFC 7638 thumbprint)", () => {
    expect(Buffer.from(cborEncode([input.clientId, input.nonce, thumbprint, input.responseUri])).toString('hex')).toBe(EXAMPLE.handoverInfo);
  });

  it('produces the example OpenID4VPHandover and SessionTranscript bytes', () => {
    expect(Buffer.from(cborEncode(openId4VpHandover(input))).toString('hex')).toBe(EXAMPLE.handover);
    expect(Buffer.from(openId4VpSessionTranscript(input)).toString('hex')).toBe(EXAMPLE.sessionTranscript);
  });

  it('puts null in place of the thumbprint when the response is not encrypted', () => {
    const { jwkThumbprint: _omitted, ...plain } = input;
    const transcript = Buffer.from(openId4VpSessionTranscript(plain)).toString('hex');
    expect(transcript).not.toBe(EXAMPLE.sessionTranscript);
    expect(transcript.startsWith('83f6f682714f70656e494434565048616e646f766572')).toBe(true);
  });

  it('refuses a thumbprint that is not 32 bytes', () => {
    expect(() => openId4VpSessionTranscript({ ...input, jwkThumbprint: new Uint8Array(31) })).toThrow(RangeError);
  });
});
