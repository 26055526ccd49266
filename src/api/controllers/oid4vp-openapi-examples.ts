/** Examples for the OpenID4VP operations in the OpenAPI document (shapes as a real run answers them). */
const ID = 'hgpbfhG1b4I4uwcjwg8qS9ro__3uXuIO';
const ISSUER = 'https://kparty.example.com';
const CLIENT_ID = 'decentralized_identifier:did:web:kparty.example.com';

export const OID4VP_CREATED_EXAMPLE = {
  id: ID,
  requestUri: `openid4vp://?client_id=${encodeURIComponent(CLIENT_ID)}&request_uri=${encodeURIComponent(`${ISSUER}/v1/oid4vp/request-objects/${ID}`)}`,
  pageUrl: `${ISSUER}/oid4vp/${ID}`,
  qrUrl: `${ISSUER}/oid4vp/${ID}/qr.svg`,
  expiresAt: '2026-12-02T20:05:00.000Z',
};

export const OID4VP_VIEW_EXAMPLE = {
  id: ID,
  policy: 'employee-portal',
  flow: 'cross_device',
  status: 'verified',
  expiresAt: '2026-12-02T20:05:00.000Z',
  result: {
    verified: true,
    holder: 'did:key:z6Mki6wASBtCMyixd3zBMP3T9hwHwrzBXv5bYndaxuDwxfvy',
    credentials: [
      {
        format: 'jwt_vc_json',
        issuer: 'did:key:z6Mkfk4x68h5r16EUarsWUN9M1yw9wZ63jRiK2pfZDA3ScRm',
        type: ['VerifiableCredential', 'EmployeeCredential'],
        subject: 'did:key:z6Mki6wASBtCMyixd3zBMP3T9hwHwrzBXv5bYndaxuDwxfvy',
        claims: { credentialSubject: { email: 'alice@example.com' } },
        status: 'unchecked',
      },
    ],
    session: {
      token: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiIuLi4ifQ.c2ln',
      tokenType: 'Bearer',
      expiresIn: 300,
      scope: 'orders:read',
    },
  },
};

export const OID4VP_REQUEST_OBJECT_EXAMPLE =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImRpZDp3ZWI6a3BhcnR5LmV4YW1wbGUuY29tIy4uLiIsInR5cCI6Im9hdXRoLWF1dGh6LXJlcStqd3QifQ.' +
  'eyJyZXNwb25zZV90eXBlIjoidnBfdG9rZW4iLCJjbGllbnRfaWQiOiIuLi4iLCJub25jZSI6Ii4uLiJ9.c2lnbmF0dXJl';

export const OID4VP_STATUS_EXAMPLE = { status: 'pending', expiresAt: '2026-12-02T20:05:00.000Z' };

export const OID4VP_PAGE_EXAMPLE = '<!doctype html><html lang="en"><head><title>Share your credentials</title></head><body>…</body></html>';

export const OID4VP_QR_EXAMPLE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 49 49" shape-rendering="crispEdges">…</svg>';

export const DID_DOCUMENT_EXAMPLE = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
  id: 'did:web:kparty.example.com',
  verificationMethod: [
    {
      id: 'did:web:kparty.example.com#sPn1xRvU0n4xYG7jm2Zq0a4l4oCPBpKp0m7wH3p6m0U',
      type: 'JsonWebKey2020',
      controller: 'did:web:kparty.example.com',
      publicKeyJwk: {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        alg: 'ES256',
        use: 'sig',
      },
    },
  ],
  authentication: ['did:web:kparty.example.com#sPn1xRvU0n4xYG7jm2Zq0a4l4oCPBpKp0m7wH3p6m0U'],
  assertionMethod: ['did:web:kparty.example.com#sPn1xRvU0n4xYG7jm2Zq0a4l4oCPBpKp0m7wH3p6m0U'],
};
