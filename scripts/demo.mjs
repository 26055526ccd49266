// `npm run demo`: the whole kparty flow in under a minute, on this machine
// only (loopback, a temporary SQLite file). An HR department issues Alice an
// employee credential; her wallet logs in to an orders API by presenting it to
// kparty; the API accepts the session token; the relying party revokes it;
// the API refuses it. Exits 0 when every step behaves as expected, 1 otherwise.
//
// Runs in a development checkout: the wallet side uses did-jwt-vc and
// @noble/curves (development dependencies), and dist/ is built when stale
// (unless KPARTY_SKIP_BUILD=1).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build-if-needed.mjs';
import { freePort, startProcess } from './demo/processes.mjs';
import { createIdentity, issueEmployeeCredential, presentCredentials } from './demo/wallet.mjs';
import { call, detail, runDemo, step, UnexpectedResult } from './demo/steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const AUDIENCE = 'https://orders.example.com';
const POLICY = 'employee-portal';
const DEADLINE_MS = 50_000;

const short = (value, keep = 24) => (value.length > keep + 1 ? `${value.slice(0, keep)}…` : value);

async function demo(workDir, children) {
  console.log('kparty demo: a wallet logs in to an API with a verifiable credential\n');

  // KPARTY_SKIP_BUILD=1, as for the tests: dist/ is already built (and may be in use by other processes).
  if (process.env.KPARTY_SKIP_BUILD !== '1' && buildIfNeeded()) detail('(built dist/ first)');
  const port = await freePort();
  const kp = `http://127.0.0.1:${port}`;
  const adminKey = randomBytes(32).toString('base64url');
  const kparty = await startProcess('kparty', join(root, 'dist', 'main.js'), {
    cwd: workDir,
    env: { PORT: String(port), KPARTY_ISSUER: kp, DATABASE_URL: `sqlite:${join(workDir, 'kparty.db')}`, KPARTY_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' },
    isReady: async () => ((await fetch(`${kp}/healthz`)).ok ? true : undefined),
  });
  children.push(kparty);
  step(`kparty is running at ${kp} (SQLite in ${workDir}, a fresh operator key)`);

  const hr = createIdentity();
  const alice = createIdentity();
  step('two identities created (did:key, Ed25519):');
  detail(`issuer  ${short(hr.did, 40)}  (the HR department)`);
  detail(`holder  ${short(alice.did, 40)}  (Alice's wallet)`);

  const credential = await issueEmployeeCredential(hr, alice.did, 'alice@example.com');
  step(`HR issued Alice an EmployeeCredential (VC-JWT, ${credential.length} bytes, signed with did-jwt-vc)`);

  const rp = await call(kp, 'POST', '/v1/admin/relying-parties', {
    expect: 201,
    key: adminKey,
    json: { id: 'orders', name: 'Orders API', audiences: [AUDIENCE] },
  });
  step('the operator registered the relying party "orders" and got its API key (kpk_…, shown once)');
  detail('POST /v1/admin/relying-parties  (operator key)');

  await call(kp, 'PUT', `/v1/admin/policies/${POLICY}`, {
    expect: 201,
    key: rp.body.apiKey,
    json: {
      audience: AUDIENCE,
      credentials: [
        {
          id: 'employee',
          format: 'jwt_vc_json',
          meta: { type_values: [['EmployeeCredential']] },
          claims: [{ path: ['credentialSubject', 'email'] }],
          trustedIssuers: [hr.did],
          status: 'ignore',
        },
      ],
      holderBinding: 'required',
      session: { ttlSeconds: 300, scope: 'orders:read orders:write', claims: { email: ['employee', 'credentialSubject', 'email'] } },
    },
  });
  step(`"orders" defined the policy "${POLICY}": an EmployeeCredential from HR, held by its subject → scope "orders:read orders:write"`);
  detail(`PUT /v1/admin/policies/${POLICY}  (relying-party key)`);

  const api = await startProcess('orders-api', join(root, 'examples', 'orders-api', 'server.mjs'), {
    cwd: root,
    env: { ISSUER: kp, AUDIENCE, PORT: '0', KPARTY_CLIENT_KEY: rp.body.apiKey },
    isReady: (output) => /listening on (http:\/\/\S+)/.exec(output)?.[1],
  });
  children.push(api);
  step(`the orders API is running at ${api.value}, guarded by kparty/guard (introspection on)`);
  detail('it checks tokens against GET /.well-known/jwks.json and POST /v1/sessions/introspect');

  const anonymous = await call(api.value, 'GET', '/orders', { expect: 401 });
  step(`GET /orders without a token → ${anonymous.status} (WWW-Authenticate: ${anonymous.headers.get('www-authenticate')})`);

  const challenge = await call(kp, 'POST', '/v1/challenges', { expect: 201, json: { policy: POLICY } });
  step(`Alice's wallet asked kparty for a challenge: nonce ${short(challenge.body.challenge, 12)}, audience ${challenge.body.domain}`);
  detail('POST /v1/challenges');

  const presentation = await presentCredentials(alice, [credential], challenge.body);
  const verified = await call(kp, 'POST', '/v1/presentations/verify', { expect: 200, json: { policy: POLICY, presentation } });
  const { session } = verified.body;
  if (verified.body.holder !== alice.did || typeof session?.token !== 'string')
    throw new UnexpectedResult('kparty accepted, but without Alice as holder or without a session token');
  step('the wallet presented the credential; kparty checked signatures, challenge, audience and policy:');
  detail('POST /v1/presentations/verify');
  detail(`verified: ${verified.body.verified}, holder ${short(verified.body.holder, 40)}`);
  detail(`session token ${short(session.token, 20)} (${session.tokenType}, expires in ${session.expiresIn} s, scope "${session.scope}")`);

  const allowed = await call(api.value, 'GET', '/orders', { expect: 200, key: session.token });
  if (allowed.body?.customer !== alice.did) throw new UnexpectedResult(`the API served someone else: ${JSON.stringify(allowed.body)}`);
  step(`GET /orders with the token → ${allowed.status} ALLOWED: ${allowed.body.orders.length} order(s) for ${allowed.body.email}`);

  await call(kp, 'POST', '/v1/sessions/revoke', { expect: 200, key: rp.body.apiKey, form: { token: session.token, token_type_hint: 'access_token' } });
  step('"orders" revoked the session token (POST /v1/sessions/revoke, RFC 7009)');

  const refused = await call(api.value, 'GET', '/orders', { expect: 401, key: session.token });
  step(`GET /orders with the same token → ${refused.status} REFUSED`);
  detail(`WWW-Authenticate: ${refused.headers.get('www-authenticate')}`);

  console.log('\ndemo finished: every step behaved as expected');
  console.log('do it yourself, step by step with curl and a development wallet: docs/api.md (node scripts/wallet.mjs)');
}

async function main() {
  await runDemo(demo, DEADLINE_MS);
}

// `npm run demo -- oid4vp`: the OpenID4VP 1.0 variant (scripts/demo/oid4vp.mjs).
if (process.argv.includes('oid4vp')) await (await import('./demo/oid4vp.mjs')).runOid4vpDemo();
else await main();
