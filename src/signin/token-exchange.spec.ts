import { describe, expect, it } from '@jest/globals';
import { fixedClock } from '../core/clock.js';
import { KpartyError } from '../core/errors.js';
import { PolicyCatalog } from '../policy/policy-catalog.js';
import { createMemoryStorage } from '../storage/memory/index.js';
import { policy } from '../storage/contract/fixtures.js';
import type { SignIn, SignInRequest, SignInSuccess } from './sign-in.js';
import { ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, TokenExchange, VP_TOKEN_TYPE, type TokenExchangeRequest } from './token-exchange.js';

const ORDERS = 'https://orders.example.com';
const SHARED = 'https://shared.example.com';

/**
 * A policy catalog with: `orders` (audience ORDERS, from a policy file),
 * `shared-1` and `shared-2` (both SHARED, stored by two relying parties).
 * The verification double records which policy it was asked for and what
 * presentation; the real verification runs in test/http/token-exchange.spec.ts.
 */
async function setup(session: Partial<SignInSuccess['session']> = {}) {
  const storage = createMemoryStorage();
  const clock = fixedClock(Date.UTC(2030, 0, 1));
  await storage.policies.put(policy('shared-1', SHARED), 'rp-a', clock.now());
  await storage.policies.put(policy('shared-2', SHARED), 'rp-b', clock.now());
  const catalog = new PolicyCatalog(storage.policies, clock, { sessionMaxTtl: 3600 }, [policy('orders', ORDERS)], storage.relyingParties);
  const calls: Array<{ policyId: string; presentation: unknown; requestId?: string }> = [];
  const signIn = {
    signIn: async ({ policyId, submission, requestId }: SignInRequest): Promise<SignInSuccess> => {
      const presentation =
        submission.presentations.length === 1 && submission.presentations[0]?.queryId === undefined
          ? submission.presentations[0]?.input
          : submission.presentations;
      calls.push({ policyId, presentation, ...(requestId === undefined ? {} : { requestId }) });
      return {
        verified: true,
        holder: 'did:example:holder',
        credentials: [],
        session: { token: 'session.jwt.token', tokenType: 'Bearer', expiresIn: 300, scope: 'orders:read', ...session },
      };
    },
  } as unknown as SignIn;
  return { exchange: new TokenExchange(catalog, signIn), calls };
}

const request = (overrides: Partial<TokenExchangeRequest> = {}): TokenExchangeRequest => ({
  grant_type: TOKEN_EXCHANGE_GRANT,
  subject_token: 'eyJ.vp.jwt',
  subject_token_type: JWT_TOKEN_TYPE,
  ...overrides,
});

/** The KpartyError code and first `errors` path `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; path?: string }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof KpartyError)) throw error;
    const path = error.errors?.[0]?.path;
    return path === undefined ? { code: error.code } : { code: error.code, path };
  }
  throw new Error('expected a KpartyError');
}

describe('TokenExchange (RFC 8693)', () => {
  it('exchanges a presentation for the session token of the policy the audience selects', async () => {
    const { exchange, calls } = await setup();
    await expect(exchange.exchange(request({ audience: ORDERS }), 'req-1')).resolves.toStrictEqual({
      access_token: 'session.jwt.token',
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'orders:read',
    });
    expect(calls).toStrictEqual([{ policyId: 'orders', presentation: 'eyJ.vp.jwt', requestId: 'req-1' }]);
  });

  it('selects by policy, by resource, by policy and a matching audience, and accepts the kparty VP token type', async () => {
    const { exchange, calls } = await setup();
    await exchange.exchange(request({ policy: 'shared-2' }));
    await exchange.exchange(request({ resource: ORDERS, subject_token_type: VP_TOKEN_TYPE }));
    await exchange.exchange(request({ policy: 'shared-1', audience: SHARED, requested_token_type: ACCESS_TOKEN_TYPE }));
    await exchange.exchange(request({ audience: [ORDERS, ORDERS], resource: ORDERS }));
    expect(calls.map((c) => c.policyId)).toStrictEqual(['shared-2', 'orders', 'shared-1', 'orders']);
  });

  it('leaves scope out of the response when the session has none', async () => {
    const { exchange } = await setup({ scope: '' });
    await expect(exchange.exchange(request({ audience: ORDERS }))).resolves.not.toHaveProperty('scope');
  });

  it.each([
    ['an unknown policy', { policy: 'nope' }],
    ['an audience no policy has', { audience: 'https://nobody.example.com' }],
    ['an audience two policies share', { audience: SHARED }],
    ['two audiences', { audience: [ORDERS, SHARED] }],
    ['an audience and a different resource', { audience: ORDERS, resource: SHARED }],
    ['a policy for another audience', { policy: 'orders', audience: SHARED }],
  ])('refuses %s as oauth.invalid_target before verifying anything', async (_, overrides) => {
    const { exchange, calls } = await setup();
    await expect(rejection(exchange.exchange(request(overrides)))).resolves.toStrictEqual({ code: 'oauth.invalid_target' });
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['no target', {}, '/policy'],
    ['no subject_token', { subject_token: undefined, audience: ORDERS }, '/subject_token'],
    ['no subject_token_type', { subject_token_type: undefined, audience: ORDERS }, '/subject_token_type'],
    ['an unsupported subject_token_type', { subject_token_type: 'urn:ietf:params:oauth:token-type:saml2', audience: ORDERS }, '/subject_token_type'],
    ['an actor token', { actor_token: 'x', actor_token_type: JWT_TOKEN_TYPE, audience: ORDERS }, '/actor_token'],
    ['another requested token type', { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token', audience: ORDERS }, '/requested_token_type'],
  ])('refuses %s as request.invalid naming the parameter', async (_, overrides, path) => {
    const { exchange, calls } = await setup();
    await expect(rejection(exchange.exchange(request(overrides)))).resolves.toStrictEqual({ code: 'request.invalid', path });
    expect(calls).toHaveLength(0);
  });

  it('refuses any other grant type first, as oauth.unsupported_grant_type', async () => {
    const { exchange } = await setup();
    for (const grant_type of ['authorization_code', 'client_credentials', `${TOKEN_EXCHANGE_GRANT} `, '']) {
      await expect(rejection(exchange.exchange({ grant_type }))).resolves.toStrictEqual({ code: 'oauth.unsupported_grant_type' });
    }
  });
});
