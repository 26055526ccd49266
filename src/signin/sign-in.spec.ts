import { beforeEach, describe, expect, it } from '@jest/globals';
import type { AuditEvent } from '../core/model/audit-event.js';
import type { PresentationPolicy } from '../core/model/policy.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import { silentLogger } from '../core/logger.js';
import { KpartyError } from '../core/errors.js';
import { DidResolver } from '../did/did-resolver.js';
import { FormatRegistry } from '../formats/format-registry.js';
import { PolicyCatalog } from '../policy/policy-catalog.js';
import { sessionKit, T0, type SessionKit } from '../session/__fixtures__/session-setup.js';
import { StatusCheckerRegistry } from '../status/index.js';
import { TOY_FORMAT, toyCredential, toyFormat, toyPresentation, type ToyKeys } from '../verification/__fixtures__/toy-format.js';
import { fromVpToken, singlePresentation, type Submission } from '../verification/submission.js';
import type { VerificationDependencies } from '../verification/verification-context.js';
import { SignIn, type SignInDependencies } from './sign-in.js';

const AUDIENCE = 'https://club.example';
const KEYS: ToyKeys = { 'toy:alice': 'alice-secret', 'toy:issuer': 'issuer-secret' };

const POLICY: PresentationPolicy = {
  id: 'club',
  audience: AUDIENCE,
  credentials: [{ id: 'membership', format: TOY_FORMAT, claims: [{ path: ['level'] }], trustedIssuers: ['toy:issuer'] }],
  session: { scope: 'club:enter', claims: { level: ['membership', 'level'] } },
};

/** An audit log whose writes can be made to fail. */
class FlakyAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];
  failing = false;
  async record(event: AuditEvent): Promise<void> {
    if (this.failing) throw new Error('disk full');
    this.events.push(event);
  }
  async list(): Promise<never> {
    throw new Error('not used here');
  }
  async purgeOlderThan(): Promise<number> {
    return 0;
  }
}

let kit: SessionKit;
let audit: FlakyAuditLog;
let decisions: Array<[string, readonly string[]]>;
let verification: VerificationDependencies;

async function signInWith(overrides: Partial<SignInDependencies> = {}): Promise<SignIn> {
  const policies = new PolicyCatalog(kit.storage.policies, kit.clock, { sessionMaxTtl: 3600 }, [], kit.storage.relyingParties);
  return new SignIn({
    verification,
    policies,
    sessions: kit.issuer,
    auditLog: audit,
    logger: silentLogger,
    observeDecision: (outcome, codes) => decisions.push([outcome, codes]),
    ...overrides,
  });
}

async function submission(options: { nonce?: string; level?: string; claims?: Record<string, unknown> } = {}): Promise<Submission> {
  const nonce = options.nonce ?? `n-${Math.random()}`;
  await kit.storage.challenges.issue({ nonce, policyId: 'club', domain: AUDIENCE, createdAt: T0, expiresAt: T0 + 300_000 });
  const credential = toyCredential(KEYS, {
    issuer: 'toy:issuer',
    subject: 'toy:alice',
    type: 'Membership',
    claims: options.claims ?? { level: options.level ?? 'gold' },
  });
  return singlePresentation(toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials: [credential] }));
}

async function rejection(promise: Promise<unknown>): Promise<KpartyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KpartyError) return error;
    throw error;
  }
  throw new Error('expected a KpartyError');
}

beforeEach(async () => {
  kit = await sessionKit();
  audit = new FlakyAuditLog();
  decisions = [];
  verification = {
    formats: new FormatRegistry([toyFormat(KEYS)]),
    dids: new DidResolver([]),
    nonces: kit.storage.challenges,
    clock: kit.clock,
    clockSkewSeconds: 60,
    status: new StatusCheckerRegistry([]),
  };
  await kit.storage.policies.put(POLICY, 'club-rp', T0);
});

describe('SignIn (verify → audit → session)', () => {
  it('issues a session for the submission subject, audits the acceptance and tells the observer', async () => {
    const signIn = await signInWith();
    const success = await signIn.signIn({ policyId: 'club', submission: await submission(), binding: { kind: 'challenge' }, requestId: 'req-1' });
    expect(success).toEqual({
      verified: true,
      holder: 'toy:alice',
      credentials: [{ format: TOY_FORMAT, issuer: 'toy:issuer', type: ['Membership'], subject: 'toy:alice', claims: { level: 'gold' }, status: 'none' }],
      session: { token: expect.any(String), tokenType: 'Bearer', expiresIn: 300, scope: 'club:enter' },
    });
    const verified = await kit.verifier.verify(success.session.token);
    expect(verified).toMatchObject({ claims: { sub: 'toy:alice', aud: AUDIENCE, client_id: 'club-rp', policy: 'club', level: 'gold' } });
    expect(audit.events).toEqual([
      expect.objectContaining({
        owner: 'club-rp',
        policyId: 'club',
        outcome: 'accepted',
        holder: 'toy:alice',
        format: 'toy_vp',
        codes: [],
        credentialIssuers: ['toy:issuer'],
        requestId: 'req-1',
      }),
    ]);
    expect(decisions).toEqual([['accepted', []]]);
  });

  it('refuses with every failed check, audited as rejected', async () => {
    const signIn = await signInWith();
    const error = await rejection(signIn.signIn({ policyId: 'club', submission: await submission({ claims: {} }), binding: { kind: 'challenge' } }));
    expect(error.code).toBe('presentation.rejected');
    expect(error.errors?.map((e) => e.code)).toEqual(['credential.claim_missing', 'policy.unsatisfied']);
    expect(audit.events.map((e) => [e.outcome, e.codes])).toEqual([['rejected', ['credential.claim_missing', 'policy.unsatisfied']]]);
    expect(decisions[0]?.[0]).toBe('rejected');
  });

  it('answers 503 and hands out no token when an acceptance cannot be audited', async () => {
    audit.failing = true;
    const signIn = await signInWith();
    const error = await rejection(signIn.signIn({ policyId: 'club', submission: await submission(), binding: { kind: 'challenge' } }));
    expect(error.code).toBe('service.unavailable');
  });

  it('never records "accepted" for a success body it could not give (KPARTY_MAX_RESPONSE_BYTES)', async () => {
    const signIn = await signInWith({ maxResponseBytes: 2048 });
    const error = await rejection(
      signIn.signIn({ policyId: 'club', submission: await submission({ level: 'x'.repeat(4096) }), binding: { kind: 'challenge' } }),
    );
    expect(error.code).toBe('presentation.rejected');
    expect(error.errors).toEqual([{ code: 'presentation.malformed', path: 'presentation', detail: expect.stringContaining('KPARTY_MAX_RESPONSE_BYTES') }]);
    expect(audit.events.map((e) => [e.outcome, e.codes])).toEqual([['rejected', ['presentation.malformed']]]);
  });

  it('lists at most maxErrors failures and says how many it left out', async () => {
    verification = { ...verification, maxErrors: 2 };
    const signIn = await signInWith();
    const nonce = 'n-many';
    await kit.storage.challenges.issue({ nonce, policyId: 'club', domain: AUDIENCE, createdAt: T0, expiresAt: T0 + 300_000 });
    const credentials = Array.from({ length: 5 }, () => toyCredential(KEYS, { issuer: 'toy:stranger', subject: 'toy:alice', type: 'Membership', claims: {} }));
    const vp = toyPresentation(KEYS, { holder: 'toy:alice', nonce, aud: AUDIENCE, credentials });
    const error = await rejection(signIn.signIn({ policyId: 'club', submission: fromVpToken({ membership: [vp] }), binding: { kind: 'challenge' } }));
    expect(error.errors).toHaveLength(2);
    expect(error.errorsOmitted).toBeGreaterThan(0);
    expect(error.detail).toContain('more not listed');
  });

  it('refuses a DPoP-bound request for a policy without session.dpop rather than issuing a bearer token', async () => {
    const signIn = await signInWith();
    const error = await rejection(signIn.signIn({ policyId: 'club', submission: await submission(), binding: { kind: 'challenge' }, dpopJkt: 'thumbprint' }));
    expect(error.code).toBe('oauth.invalid_dpop_proof');
    expect(audit.events).toEqual([]);
  });

  it('answers policy.not_found for an unknown policy, auditing nothing', async () => {
    const signIn = await signInWith();
    expect((await rejection(signIn.signIn({ policyId: 'nope', submission: await submission(), binding: { kind: 'challenge' } }))).code).toBe(
      'policy.not_found',
    );
    expect(audit.events).toEqual([]);
  });

  it('counts each sign-in in flight while it runs', async () => {
    let inFlight = 0;
    let seen = 0;
    const signIn = await signInWith({
      inFlight: {
        begin: () => {
          inFlight += 1;
          seen = Math.max(seen, inFlight);
          return () => {
            inFlight -= 1;
          };
        },
      } as unknown as SignInDependencies['inFlight'],
    });
    await signIn.signIn({ policyId: 'club', submission: await submission(), binding: { kind: 'challenge' } });
    expect([seen, inFlight]).toEqual([1, 0]);
  });
});
