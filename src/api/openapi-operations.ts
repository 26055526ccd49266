import type { ProblemCode } from '../core/errors.js';

/**
 * Words and examples for the OpenAPI document, per operation (`METHOD /path`
 * as the document spells the path). A controller may instead give a summary
 * and description with `@ApiOperation` and examples on its response
 * decorators; entries here only fill what the controller left out (see
 * src/api/openapi-document.ts). The examples were taken from a real run of the
 * docs/api.md walk-through and are checked against the response schemas by
 * test/e2e/openapi.e2e.spec.ts.
 */
export interface OperationDoc {
  summary: string;
  description: string;
  /** Error codes to show per status when the response description names none (or names the wrong ones). */
  errors?: Partial<Record<number, ProblemCode[]>>;
  /** A success body per status. */
  examples?: Partial<Record<number, unknown>>;
}

const ISSUER = 'https://kparty.example.com';
const AUDIENCE = 'https://orders.example.com';
const HR = 'did:key:z6Mkfk4x68h5r16EUarsWUN9M1yw9wZ63jRiK2pfZDA3ScRm';
const ALICE = 'did:key:z6Mki6wASBtCMyixd3zBMP3T9hwHwrzBXv5bYndaxuDwxfvy';
const SESSION_TOKEN =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6IkpobUUxelltcllsVjZwY3dqVlJ2aV9Hc3gtaE9fQWVfZVBIOTlLSU91TWMiLCJ0eXAiOiJhdCtqd3QifQ.' +
  'eyJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIiwiY2xpZW50X2lkIjoib3JkZXJzIiwicG9saWN5IjoiZW1wbG95ZWUtcG9ydGFsIiwic2NvcGUiOiJvcmRlcnM6cmVhZCBvcmRlcnM6d3JpdGUiLCJpc3MiOiJodHRwczovL2twYXJ0eS5leGFtcGxlLmNvbSIsInN1YiI6ImRpZDprZXk6ejZNa2k2d0FTQnRDTXlpeGQzekJNUDNUOWh3SHdyekJYdjViWW5kYXh1RHd4ZnZ5IiwiYXVkIjoiaHR0cHM6Ly9vcmRlcnMuZXhhbXBsZS5jb20iLCJpYXQiOjE3OTYyNDE1NjYsImV4cCI6MTc5NjI0MTg2NiwianRpIjoiNTkyMGQ0ZDUtZmU5ZS00MmMzLWJmYWYtNTBmNDc5ZDUyOTE3In0.' +
  'PQPYRbnL5I-1Qq820kekndKjXQcbBXxG-Nz6uMz67LRRUN7xxqfrEPT4mk87Dg2P9Pz0pdGCqwSVZOWct9dTXA';
const KID = 'JhmE1zYmrYlV6pcwjVRvi_Gsx-hO_Ae_ePH99KIOuMc';

const POLICY = {
  id: 'employee-portal',
  audience: AUDIENCE,
  credentials: [
    {
      id: 'employee',
      format: 'jwt_vc_json',
      meta: { type_values: [['EmployeeCredential']] },
      claims: [{ path: ['credentialSubject', 'email'] }],
      trustedIssuers: [HR],
      status: 'ignore',
    },
  ],
  holderBinding: 'required',
  session: { ttlSeconds: 300, scope: 'orders:read orders:write', claims: { email: ['employee', 'credentialSubject', 'email'] } },
};
/** The 200 body of POST /v1/presentations/verify, also the `result` of a verified OpenID4VP request. */
const VERIFIED = {
  verified: true,
  holder: ALICE,
  credentials: [
    {
      format: 'jwt_vc_json',
      issuer: HR,
      type: ['VerifiableCredential', 'EmployeeCredential'],
      subject: ALICE,
      claims: { credentialSubject: { email: 'alice@example.com' } },
      status: 'none',
    },
  ],
  session: { token: SESSION_TOKEN, tokenType: 'Bearer', expiresIn: 300, scope: 'orders:read orders:write' },
};
const STORED_POLICY = { policy: POLICY, owner: 'orders', createdAt: '2026-12-02T19:59:26.648Z', updatedAt: '2026-12-02T19:59:26.648Z' };
const ROTATION = { kid: '9z-eUZnwxHY-ke9Q0Q9ugjQyzQBfHajqPK9YGB_npNI', activatesAt: '2026-12-02T20:09:26.817Z', created: true };

/** Detail text (and `errors`) shown in the example of each problem code. */
export const ERROR_DETAILS: Partial<Record<ProblemCode, { detail: string; errors?: Array<{ code: string; path?: string; detail?: string }> }>> = {
  'request.invalid': {
    detail: 'the request has 1 violation(s)',
    errors: [{ code: 'request.invalid', path: '/policy', detail: 'missing required property "policy"' }],
  },
  'auth.unauthorized': { detail: 'send an API key as "Authorization: Bearer <key>"' },
  'auth.forbidden': { detail: 'only the operator key may do this' },
  'policy.not_found': { detail: 'no policy "employee-portal"' },
  'policy.invalid': {
    detail: 'the policy has 2 violation(s)',
    errors: [
      { code: 'policy.invalid', path: '/credentials', detail: 'missing required property "credentials"' },
      { code: 'policy.invalid', path: '/audience', detail: 'must be a string' },
    ],
  },
  'policy.conflict': { detail: 'policy id "employee-portal" is taken' },
  'relying_party.conflict': { detail: 'a relying party with id "orders" already exists' },
  'presentation.rejected': {
    detail: '1 check(s) failed',
    errors: [{ code: 'challenge.unknown', path: 'presentation', detail: 'the challenge is unknown, expired or already used' }],
  },
  'session.missing': { detail: 'send the session token as "Authorization: Bearer <token>"' },
  'session.invalid': { detail: 'the session token is invalid, expired or revoked' },
  'session.insufficient_scope': { detail: 'the session token lacks the scope(s): orders:write' },
  'oauth.unsupported_grant_type': { detail: 'grant_type must be urn:ietf:params:oauth:grant-type:token-exchange' },
  'oauth.invalid_target': { detail: 'no policy has the audience "https://unknown.example.com"' },
  rate_limited: { detail: 'too many requests for this address; retry after 12 s' },
};

export const OPERATION_DOCS: Record<string, OperationDoc> = {
  'POST /v1/challenges': {
    summary: 'Get a challenge for a policy',
    description:
      'Step 1 of a sign-in. Returns a fresh single-use nonce bound to the policy, the audience the presentation must name ' +
      "(`domain`) and the policy's DCQL query (OpenID4VP 1.0 §6) telling the wallet what to present. The nonce expires " +
      'after KPARTY_CHALLENGE_TTL seconds.',
    examples: {
      201: {
        challenge: 'JFGZqMS4TZgFk6q4ljLYQGQS0mBrXjCauwhelptVbug',
        domain: AUDIENCE,
        policy: 'employee-portal',
        expiresAt: '2026-12-02T20:04:26.690Z',
        query: {
          credentials: [
            { id: 'employee', format: 'jwt_vc_json', meta: { type_values: [['EmployeeCredential']] }, claims: [{ path: ['credentialSubject', 'email'] }] },
          ],
        },
      },
    },
  },
  'POST /v1/presentations/verify': {
    summary: 'Present credentials and sign in',
    description:
      'Step 2 of a sign-in. Verifies the presentation (signatures, challenge, audience, holder binding, validity, status) ' +
      'against the policy and, when every check holds, returns the verified credentials and a session token. The challenge ' +
      'is consumed whatever the outcome; a rejection lists every failed check in `errors` (codes in docs/errors.md).',
    examples: {
      200: VERIFIED,
    },
  },
  'POST /v1/admin/relying-parties': {
    summary: 'Register a relying party',
    description:
      'Operator key only. Creates a relying party and returns its API key once (only its hash is stored). The relying ' +
      'party uses the key to manage its policies and to introspect and revoke its sessions.',
    examples: { 201: { id: 'orders', name: 'Orders API', apiKey: 'kpk_KbPPBC17kw3EuwCYrc6nLWG0vUKvvCQvO-Hgd7T4Czs' } },
  },
  'GET /v1/admin/relying-parties': {
    summary: 'List relying parties',
    description: 'Operator key only. Every relying party with the audiences it owns, its registered callback origins and logo; never an API key.',
    examples: {
      200: {
        relyingParties: [
          {
            id: 'orders',
            name: 'Orders API',
            audiences: [AUDIENCE],
            callbackOrigins: ['https://orders.example.com'],
            logoUri: 'https://orders.example.com/logo.png',
            createdAt: '2026-12-02T19:59:26.648Z',
          },
        ],
      },
    },
  },
  'GET /v1/admin/relying-parties/{id}': {
    summary: 'Read a relying party',
    description: 'Operator key only. One relying party: name, audiences (an audience belongs to one relying party), callback origins, logo.',
    examples: {
      200: {
        id: 'orders',
        name: 'Orders API',
        audiences: [AUDIENCE],
        callbackOrigins: ['https://orders.example.com'],
        logoUri: 'https://orders.example.com/logo.png',
        createdAt: '2026-12-02T19:59:26.648Z',
      },
    },
  },
  'PATCH /v1/admin/relying-parties/{id}': {
    summary: 'Change a relying party or rotate its API key',
    description:
      'Operator key only. Members present are changed, absent ones kept: `name`, `logoUri`, `audiences` (409 `relying_party.audience_taken` when ' +
      'another relying party holds one; 409 `relying_party.audience_in_use` when a policy still uses a dropped one), `callbackOrigins`. ' +
      '`rotateApiKey: true` answers the new key once; the old key stops working at once.',
    examples: {
      200: {
        ...{
          id: 'orders',
          name: 'Orders API',
          audiences: [AUDIENCE],
          callbackOrigins: ['https://orders.example.com'],
          logoUri: 'https://orders.example.com/logo.png',
          createdAt: '2026-12-02T19:59:26.648Z',
        },
        apiKey: 'kpk_3bH0yq0m8pC0yG1wz7y9k2m4sX5dQ1rT6uV8wE0aZcY',
      },
    },
  },
  'POST /v1/admin/sessions/revoke': {
    summary: 'Log a holder out everywhere',
    description:
      "Ends every refreshable session (session family) of one holder (`sub`): a relying party its own, the operator everyone's. " +
      "The families' live access tokens are denied until they expire. See docs/sessions.md.",
    examples: { 200: { revoked: 2 } },
  },
  'POST /v1/vc-api/credentials/verify': {
    summary: 'Verify a credential (W3C VC API)',
    description:
      'Verification only (no policy, no session, no audit of a sign-in): the proof of a Data Integrity credential (or an enveloped vc+jwt), its ' +
      "validity period and status. A relying party's key, or none when KPARTY_VC_API_PUBLIC=true. Failure: 422 `credential.rejected`.",
    examples: {
      200: {
        verified: true,
        checks: ['proof', 'validity', 'status'],
        warnings: [],
        errors: [],
        credentials: [{ format: 'ldp_vc', issuer: HR, type: ['VerifiableCredential', 'EmployeeCredential'], status: 'none' }],
      },
    },
  },
  'POST /v1/vc-api/presentations/verify': {
    summary: 'Verify a presentation (W3C VC API)',
    description:
      'Verification only: the presentation proof (challenge and domain from `options`; a challenge kparty issued is consumed, any other only ' +
      "compared) and every credential's proof, validity and status. Failure: 422 `presentation.rejected`.",
    examples: {
      200: {
        verified: true,
        checks: ['proof', 'validity', 'status', 'challenge', 'domain'],
        warnings: [],
        errors: [],
        credentials: [{ format: 'ldp_vc', issuer: HR, type: ['VerifiableCredential', 'EmployeeCredential'], status: 'none' }],
      },
    },
  },
  'GET /v1/admin/policies': {
    summary: 'List policies',
    description: 'The policies the caller may see: a relying party its own; the operator all of them, policy files included (owner `@operator`).',
    examples: { 200: { policies: [STORED_POLICY] } },
  },
  'GET /v1/admin/policies/{id}': {
    summary: 'Read a policy',
    description: "One policy with its owner and timestamps. Another relying party's policy answers 404, as an unknown one does.",
    examples: { 200: STORED_POLICY },
  },
  'PUT /v1/admin/policies/{id}': {
    summary: 'Create or replace a policy',
    description:
      "Validates the policy against schemas/presentation-policy.schema.json and kparty's own rules; every violation is listed " +
      'with its JSON pointer. 201 when created, 200 when replaced. Policy files (KPARTY_POLICIES_DIR) cannot be replaced here.',
    examples: { 200: STORED_POLICY, 201: STORED_POLICY },
  },
  'DELETE /v1/admin/policies/{id}': {
    summary: 'Delete a policy',
    description: "Deletes one of the caller's policies. Outstanding challenges for it can no longer be answered.",
    errors: { 404: ['policy.not_found'] },
  },
  'GET /v1/admin/audit': {
    summary: 'Read the audit log of decisions',
    description:
      'Every verification decision, newest first, in pages (`limit`, `before`): outcome, failed check codes, holder, ' +
      'issuers and the request id to find its log lines. A relying party sees the decisions on its own policies.',
    examples: {
      200: {
        events: [
          {
            id: '01M8W5EB1541C748AFK5RHEARP',
            time: '2026-12-02T19:59:26.757Z',
            owner: 'orders',
            policy: 'employee-portal',
            outcome: 'rejected',
            holder: ALICE,
            codes: ['challenge.unknown'],
            format: 'jwt_vp_json',
            credentialIssuers: [HR],
            requestId: 'bf8a119b-98e0-4b7f-a1a6-c4cce0fcd8fb',
          },
          {
            id: '01M8W5EB0XHEPFYDBKRKTBNZYX',
            time: '2026-12-02T19:59:26.749Z',
            owner: 'orders',
            policy: 'employee-portal',
            outcome: 'accepted',
            holder: ALICE,
            codes: [],
            format: 'jwt_vp_json',
            credentialIssuers: [HR],
            requestId: 'ca418a1f-c86e-4eca-87c6-78b2e077d0af',
          },
        ],
        next: '01M8W5EB0XHEPFYDBKRKTBNZYX',
      },
    },
  },
  'POST /v1/token': {
    summary: 'Exchange a presentation for a session token (RFC 8693)',
    description:
      'OAuth 2.0 token exchange: `subject_token` is a presentation answering a challenge, verified exactly as by ' +
      "`POST /v1/presentations/verify`; `audience`, `resource` or kparty's `policy` parameter picks the policy. No client " +
      'authentication: the presentation is the proof. Errors use the RFC 6749 §5.2 shape beside the problem members.',
    examples: {
      200: {
        access_token: SESSION_TOKEN,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'orders:read orders:write',
      },
    },
  },
  'POST /v1/sessions/introspect': {
    summary: 'Introspect a session token (RFC 7662)',
    description:
      'With a relying-party or operator key. `{"active": false}` for anything that is not a valid, unrevoked session token ' +
      "of the caller; the token's claims (the policy's session claims included) when it is.",
    examples: {
      200: {
        active: true,
        scope: 'orders:read orders:write',
        client_id: 'orders',
        sub: ALICE,
        aud: AUDIENCE,
        iss: ISSUER,
        exp: 1796241866,
        iat: 1796241566,
        jti: '5920d4d5-fe9e-42c3-bfaf-50f479d52917',
        token_type: 'Bearer',
        policy: 'employee-portal',
        email: 'alice@example.com',
      },
    },
  },
  'POST /v1/sessions/revoke': {
    summary: 'Revoke a session token (RFC 7009)',
    description:
      'With a relying-party or operator key. Denies the token on every replica until it expires. 200 with an empty body also ' +
      "for an invalid, unknown or another relying party's token (RFC 7009 §2.2: the answer reveals nothing about it).",
  },
  'GET /v1/auth/check': {
    summary: 'Forward-auth check for gateways (nginx, Traefik)',
    description:
      'For nginx `auth_request` and Traefik ForwardAuth: 200 with identity headers (`X-Kparty-Subject`, `-Scope`, `-Policy`, ' +
      '`-Client`) for a valid, unrevoked session token; 401 with `WWW-Authenticate: Bearer error="invalid_token"` otherwise; ' +
      '403 `insufficient_scope` when a required `scope` is missing. Also answers HEAD. See docs/downstream.md.',
  },
  'GET /v1/auth/check/envoy': {
    summary: 'Forward-auth check for Envoy ext_authz',
    description:
      "Envoy `ext_authz` (HTTP service) keeps the client's method and appends its path and query to this URL " +
      '(`path_prefix: /v1/auth/check/envoy` → `POST /v1/auth/check/envoy/orders?page=2`), so this one operation answers ' +
      "every HTTP method and any path below it; method, path and query are the client's and are ignored. Requirements " +
      'come from headers Envoy adds: `X-Kparty-Required-Scope` and `X-Kparty-Required-Audience`. Same answers as ' +
      '`GET /v1/auth/check`. See docs/downstream.md.',
  },
  'GET /.well-known/jwks.json': {
    summary: 'Session-token signing keys (JWKS)',
    description:
      "The public keys that sign session tokens: the current one, the next one during a rotation's lead time and previous " +
      'ones while their tokens live. Cached for 60 s (KPARTY_KEY_ROTATION_LEAD must exceed that).',
    examples: {
      200: {
        keys: [
          {
            kty: 'EC',
            crv: 'P-256',
            x: 'WUfiMSyX-3L9P5OFo178YO1xQU11FjZ3_jMj-A4IcRE',
            y: 'YhfW1IVy2H5jIFyyRZMFmME-Du50F0_MTxfTMSkUhXY',
            kid: KID,
            alg: 'ES256',
            use: 'sig',
          },
        ],
      },
    },
  },
  'GET /.well-known/oauth-authorization-server': {
    summary: 'OAuth authorization server metadata (RFC 8414)',
    description: 'What this kparty serves: token exchange, introspection and revocation endpoints and the JWKS, under KPARTY_ISSUER.',
    examples: {
      200: {
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        response_types_supported: [],
        token_endpoint: `${ISSUER}/v1/token`,
        grant_types_supported: ['urn:ietf:params:oauth:grant-type:token-exchange'],
        token_endpoint_auth_methods_supported: ['none'],
        introspection_endpoint: `${ISSUER}/v1/sessions/introspect`,
        introspection_endpoint_auth_methods_supported: ['Bearer'],
        revocation_endpoint: `${ISSUER}/v1/sessions/revoke`,
        revocation_endpoint_auth_methods_supported: ['Bearer'],
        service_documentation: `${ISSUER}/docs`,
      },
    },
  },
  'POST /v1/oid4vp/requests': {
    summary: 'Start an OpenID4VP 1.0 request for a policy',
    description:
      'With a relying-party or operator key. Creates a signed OpenID4VP 1.0 request for the policy (its DCQL query) and returns ' +
      'the `openid4vp://` URI for the wallet, the kparty-hosted page with its QR code and the request id to poll. See docs/oid4vp.md.',
    examples: {
      201: {
        id: 'Yk3n8sQ2VbW0cX1dE4fG5hJ6',
        requestUri:
          'openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3Akparty.example.com&request_uri=https%3A%2F%2Fkparty.example.com%2Fv1%2Foid4vp%2Frequest-objects%2FYk3n8sQ2VbW0cX1dE4fG5hJ6',
        pageUrl: `${ISSUER}/oid4vp/Yk3n8sQ2VbW0cX1dE4fG5hJ6`,
        qrUrl: `${ISSUER}/oid4vp/Yk3n8sQ2VbW0cX1dE4fG5hJ6/qr.svg`,
        expiresAt: '2026-12-02T20:04:26.690Z',
      },
    },
  },
  'GET /v1/oid4vp/requests/{id}': {
    summary: 'Poll an OpenID4VP request',
    description:
      "The request's status (pending, fetched, verified, rejected, expired, cancelled). Once decided, the verification result — " +
      'the same body as `POST /v1/presentations/verify` — or every failed check is released once, then deleted.',
    examples: {
      200: {
        id: 'Yk3n8sQ2VbW0cX1dE4fG5hJ6',
        policy: 'employee-portal',
        flow: 'cross_device',
        status: 'verified',
        expiresAt: '2026-12-02T20:04:26.690Z',
        result: VERIFIED,
      },
    },
  },
  'DELETE /v1/oid4vp/requests/{id}': {
    summary: 'Cancel an OpenID4VP request',
    description: 'Closes an open request: the wallet can no longer fetch or answer it. Cancelling twice is fine.',
  },
  'GET /v1/oid4vp/request-objects/{id}': {
    summary: 'Fetch the request object (wallet)',
    description: 'OpenID4VP 1.0 §5.10 `request_uri` (GET): the signed request object JWT (`application/oauth-authz-req+jwt`).',
    examples: {
      200: 'eyJhbGciOiJFUzI1NiIsInR5cCI6Im9hdXRoLWF1dGh6LXJlcStqd3QiLCJraWQiOiJkaWQ6d2ViOmtwYXJ0eS5leGFtcGxlLmNvbSNyZXEtMSJ9.eyJyZXNwb25zZV90eXBlIjoidnBfdG9rZW4ifQ.c2lnbmF0dXJl',
    },
  },
  'POST /v1/oid4vp/request-objects/{id}': {
    summary: 'Fetch the request object with wallet metadata (wallet)',
    description:
      'OpenID4VP 1.0 §5.10 `request_uri_method=post`: the wallet sends `wallet_metadata` and `wallet_nonce`; the answer is the signed request object, with `wallet_nonce` when one was sent.',
    examples: {
      200: 'eyJhbGciOiJFUzI1NiIsInR5cCI6Im9hdXRoLWF1dGh6LXJlcStqd3QiLCJraWQiOiJkaWQ6d2ViOmtwYXJ0eS5leGFtcGxlLmNvbSNyZXEtMSJ9.eyJ3YWxsZXRfbm9uY2UiOiJxUE0ifQ.c2lnbmF0dXJl',
    },
  },
  'POST /v1/oid4vp/responses/{id}': {
    summary: 'Post the authorization response (wallet)',
    description:
      'OpenID4VP 1.0 `direct_post` / `direct_post.jwt`: the wallet posts its `vp_token` (or an encrypted response, or an error). The ' +
      "presentations are verified as one submission against the request's nonce and client_id; same-device flows get a `redirect_uri`.",
    examples: { 200: { redirect_uri: 'https://orders.example.com/signed-in#response_code=Q2hlY2tNZQ' } },
  },
  'GET /oid4vp/{id}': {
    summary: 'Hosted page for a request (QR code / wallet link)',
    description: 'A kparty-hosted HTML page showing the QR code (cross-device) or the "Open in wallet" link (same-device) and the live status.',
  },
  'GET /oid4vp/{id}/qr.svg': {
    summary: "The request's QR code (SVG)",
    description: "The `openid4vp://` URI of the request as an SVG QR code, for pages of the relying party's own.",
  },
  'GET /oid4vp/{id}/status': {
    summary: 'Status for the hosted page',
    description: "What the hosted page polls: the request's status and expiry, and the redirect for a same-device flow once decided. No result data.",
    examples: { 200: { status: 'pending', expiresAt: '2026-12-02T20:04:26.690Z' } },
  },
  'GET /.well-known/did.json': {
    summary: "kparty's own did:web document",
    description:
      "The DID document of kparty's verifier identity (`decentralized_identifier` client identifier prefix): the keys that sign OpenID4VP request objects.",
    examples: {
      200: {
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
        id: 'did:web:kparty.example.com',
        verificationMethod: [
          {
            id: 'did:web:kparty.example.com#req-1',
            type: 'JsonWebKey2020',
            controller: 'did:web:kparty.example.com',
            publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'WUfiMSyX-3L9P5OFo178YO1xQU11FjZ3_jMj-A4IcRE', y: 'YhfW1IVy2H5jIFyyRZMFmME-Du50F0_MTxfTMSkUhXY' },
          },
        ],
        assertionMethod: ['did:web:kparty.example.com#req-1'],
      },
    },
  },
  'POST /v1/admin/oid4vp/keys/rotate': {
    summary: 'Rotate the OpenID4VP request-signing key',
    description: "Operator key only. A new key signs OpenID4VP request objects under kparty's did:web identity; the answer names its verification method.",
    examples: { 200: { kid: 'did:web:kparty.example.com#req-2' } },
  },
  'GET /healthz': {
    summary: 'Liveness',
    description: 'Answers 200 while the process serves HTTP; checks nothing else (use it for liveness probes and HEALTHCHECK).',
    examples: { 200: { status: 'ok' } },
  },
  'GET /readyz': {
    summary: 'Readiness',
    description: 'Answers 200 when storage (and Redis, when configured) answers; 503 otherwise, so load balancers stop sending traffic.',
    examples: { 200: { status: 'ok' } },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    description: 'Decisions by outcome and failure code, request latency by route, outbound fetch errors, process metrics (Prometheus text format).',
    examples: {
      200:
        '# HELP kparty_verification_decisions_total Presentation verifications by outcome (accepted, rejected)\n' +
        '# TYPE kparty_verification_decisions_total counter\n' +
        'kparty_verification_decisions_total{outcome="accepted"} 1\nkparty_verification_decisions_total{outcome="rejected"} 1\n',
    },
  },
  'GET /v1/admin/keys': {
    summary: 'List session-signing keys',
    description: 'Operator key only. Every published session-signing key and its state (pending, signing, retired); no key material.',
    examples: { 200: { keys: [{ kid: KID, alg: 'ES256', state: 'signing', createdAt: '2026-12-02T19:58:15.107Z', activatesAt: '2026-12-02T19:58:15.105Z' }] } },
  },
  'POST /v1/admin/keys/rotate': {
    summary: 'Rotate the session-signing key',
    description:
      'Operator key only. The new key is published now and signs after KPARTY_KEY_ROTATION_LEAD seconds; the old one stays in ' +
      'the JWKS until its tokens expire. 201 with the new key; 200 with the pending key when a rotation is already under way. ' +
      '`?immediate=true` signs with it at once (emergencies). Also `kparty keys rotate` (docs/operations.md).',
    examples: { 201: ROTATION, 200: { ...ROTATION, created: false } },
  },
};
