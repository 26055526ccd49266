import { beforeEach, describe, expect, it } from '@jest/globals';
import { fixedClock } from '../../core/clock.js';
import type { CredentialQuery, PresentationPolicy } from '../../core/model/policy.js';
import type { ParsedCredential } from '../../core/model/presentation.js';
import { FormatRegistry } from '../../formats/format-registry.js';
import { MemoryNonceStore } from '../../storage/memory/memory-nonce-store.js';
import { createStatusCheckers } from '../../status/index.js';
import { bitstringStatusEntry, tokenStatusReference } from '../../status/issuing/index.js';
import {
  DEFAULT_CACHE,
  MAX_LIST_BYTES,
  NOW,
  credentialWithStatus,
  delegate,
  dids,
  issuer,
  statusUrl,
  stranger,
  tokenList,
  w3cList,
} from '../../status/__fixtures__/status-test-bed.js';
import { FakeFetcher } from '../../../test/support/status-lists.js';
import { unblemishedCredentials, type CredentialState, type VerificationContext, type VerificationDependencies } from '../verification-context.js';
import { MAX_STATUS_ENTRIES, statusCheck } from './status.js';

const REVOCATIONS = statusUrl('revocations');
const SUSPENSIONS = statusUrl('suspensions');
const DOWN = statusUrl('down');

let fetcher: FakeFetcher;
let deps: VerificationDependencies;

beforeEach(async () => {
  fetcher = new FakeFetcher()
    .publish(REVOCATIONS, await w3cList(REVOCATIONS, { set: [1] }))
    .publish(SUSPENSIONS, await w3cList(SUSPENSIONS, { purpose: 'suspension', set: [2] }))
    .fail(DOWN, 'network');
  deps = {
    formats: new FormatRegistry([]),
    dids,
    nonces: new MemoryNonceStore(),
    clock: fixedClock(NOW),
    clockSkewSeconds: 60,
    status: createStatusCheckers({ fetcher, dids }, { ...DEFAULT_CACHE, maxListBytes: MAX_LIST_BYTES }),
  };
});

const revocation = (index: number, url = REVOCATIONS): Record<string, unknown> => bitstringStatusEntry({ url, index, purpose: 'revocation' });
const suspension = (index: number): Record<string, unknown> => bitstringStatusEntry({ url: SUSPENSIONS, index, purpose: 'suspension' });

function query(overrides: Partial<CredentialQuery> = {}): CredentialQuery {
  return { id: 'employee', format: 'jwt_vc_json', trustedIssuers: [issuer.did], ...overrides };
}

function contextFor(credentials: ParsedCredential[], queries: CredentialQuery[], options: { signed?: ParsedCredential[] } = {}): VerificationContext {
  const policy: PresentationPolicy = { id: 'p', audience: 'https://rp.example', credentials: queries };
  const signed = new Set(options.signed ?? credentials);
  return {
    submission: { presentations: [{ input: null }] },
    binding: { kind: 'challenge' },
    policy,
    now: NOW,
    failures: [],
    presentations: [],
    credentials: credentials.map((credential): CredentialState => ({ credential, issuerProofValid: signed.has(credential), status: 'none' })),
    unparsed: 0,
    documents: new Map(),
  };
}

/** What the check learnt about `credential`. */
function stateOf(context: VerificationContext, credential: ParsedCredential): CredentialState | undefined {
  return context.credentials.find((state) => state.credential === credential);
}

async function run(context: VerificationContext): Promise<Array<{ code: string; path: string }>> {
  const failures = await statusCheck.run(context, deps);
  context.failures.push(...failures);
  return failures.map(({ code, path }) => ({ code, path }));
}

describe('status check under status: required', () => {
  it('passes a credential whose entries are unset, reporting valid', async () => {
    const credential = credentialWithStatus([revocation(0), suspension(0)]);
    const context = contextFor([credential], [query({ status: 'required' })]);
    await expect(run(context)).resolves.toEqual([]);
    expect(stateOf(context, credential)?.status).toBe('valid');
  });

  it("fails a revoked credential at the entry's path, and keeps it from satisfying the policy", async () => {
    const credential = credentialWithStatus([revocation(1)]);
    const context = contextFor([credential], [query()]);
    await expect(run(context)).resolves.toEqual([{ code: 'credential.revoked', path: 'credentials[0].credentialStatus[0]' }]);
    expect(unblemishedCredentials(context)).toEqual([]);
  });

  it('fails a suspended credential, naming the suspension entry only', async () => {
    const credential = credentialWithStatus([revocation(0), suspension(2)]);
    await expect(run(contextFor([credential], [query()]))).resolves.toEqual([{ code: 'credential.suspended', path: 'credentials[0].credentialStatus[1]' }]);
  });

  it('fails closed when the list host is down', async () => {
    const credential = credentialWithStatus([revocation(0, DOWN)]);
    await expect(run(contextFor([credential], [query()]))).resolves.toEqual([
      { code: 'credential.status_unavailable', path: 'credentials[0].credentialStatus[0]' },
    ]);
  });

  it('fails closed on an entry type kparty cannot check', async () => {
    const credential = credentialWithStatus([{ type: 'RevocationList2020Status', revocationListIndex: '1' }]);
    await expect(run(contextFor([credential], [query()]))).resolves.toEqual([
      { code: 'credential.status_unavailable', path: 'credentials[0].credentialStatus[0]' },
    ]);
  });

  it('is the default when a query names no status setting', async () => {
    const credential = credentialWithStatus([revocation(0, DOWN)]);
    await expect(run(contextFor([credential], [query({ status: undefined })]))).resolves.toEqual([
      { code: 'credential.status_unavailable', path: 'credentials[0].credentialStatus[0]' },
    ]);
  });

  it('reports a malformed entry as credential.malformed', async () => {
    const credential = credentialWithStatus([{ ...revocation(0), statusListIndex: 0 }]);
    await expect(run(contextFor([credential], [query()]))).resolves.toEqual([{ code: 'credential.malformed', path: 'credentials[0].credentialStatus[0]' }]);
  });

  it(`refuses more than ${MAX_STATUS_ENTRIES} status entries without fetching any`, async () => {
    const credential = credentialWithStatus(Array.from({ length: MAX_STATUS_ENTRIES + 1 }, (_, i) => revocation(i + 10)));
    await expect(run(contextFor([credential], [query()]))).resolves.toEqual([{ code: 'credential.malformed', path: 'credentials[0]' }]);
    expect(fetcher.requests).toEqual([]);
  });

  it('reports a failure at the path the format gave the status reference (an SD-JWT VC status claim)', async () => {
    const uri = statusUrl('token');
    fetcher.publish(uri, await tokenList(uri, { set: [[4, 1]] }));
    const credential: ParsedCredential = {
      ...credentialWithStatus([]),
      format: 'dc+sd-jwt',
      status: [{ entry: tokenStatusReference(uri, 4), path: 'credentials[0].status' }],
    };
    await expect(run(contextFor([credential], [query({ format: 'dc+sd-jwt' })]))).resolves.toEqual([
      { code: 'credential.revoked', path: 'credentials[0].status' },
    ]);
  });
});

describe('status check under status: optional', () => {
  it('passes when the list host is down, reporting unavailable', async () => {
    const credential = credentialWithStatus([revocation(0, DOWN)]);
    const context = contextFor([credential], [query({ status: 'optional' })]);
    await expect(run(context)).resolves.toEqual([]);
    expect(stateOf(context, credential)?.status).toBe('unavailable');
  });

  it('still fails a revoked credential', async () => {
    const credential = credentialWithStatus([revocation(1)]);
    await expect(run(contextFor([credential], [query({ status: 'optional' })]))).resolves.toEqual([
      { code: 'credential.revoked', path: 'credentials[0].credentialStatus[0]' },
    ]);
  });

  it('still fails on a list that was fetched but cannot be relied on (signed by a stranger)', async () => {
    const forged = statusUrl('forged');
    fetcher.publish(forged, await w3cList(forged, { by: stranger }));
    const credential = credentialWithStatus([revocation(0, forged)]);
    await expect(run(contextFor([credential], [query({ status: 'optional' })]))).resolves.toEqual([
      { code: 'credential.status_unavailable', path: 'credentials[0].credentialStatus[0]' },
    ]);
  });

  it('gives way to required when another query for the same format requires status (the strictest applies)', async () => {
    const credential = credentialWithStatus([revocation(0, DOWN)]);
    const queries = [query({ id: 'a', status: 'optional' }), query({ id: 'b', status: 'required' })];
    await expect(run(contextFor([credential], queries))).resolves.toEqual([
      { code: 'credential.status_unavailable', path: 'credentials[0].credentialStatus[0]' },
    ]);
  });
});

describe('status check: what is not checked', () => {
  it('does not check under status: ignore, reporting unchecked', async () => {
    const credential = credentialWithStatus([revocation(1)]);
    const context = contextFor([credential], [query({ status: 'ignore' })]);
    await expect(run(context)).resolves.toEqual([]);
    expect(stateOf(context, credential)?.status).toBe('unchecked');
    expect(fetcher.requests).toEqual([]);
  });

  it('reports none for a credential without status entries', async () => {
    const credential = credentialWithStatus([]);
    const context = contextFor([credential], [query()]);
    await expect(run(context)).resolves.toEqual([]);
    expect(stateOf(context, credential)?.status).toBe('none');
  });

  it('fetches nothing for a credential whose signature did not verify', async () => {
    const credential = credentialWithStatus([revocation(1)]);
    await expect(run(contextFor([credential], [query()], { signed: [] }))).resolves.toEqual([]);
    expect(fetcher.requests).toEqual([]);
  });

  it('fetches nothing for a credential an earlier check failed', async () => {
    const credential = credentialWithStatus([revocation(1)]);
    const context = contextFor([credential], [query()]);
    context.failures.push({ code: 'credential.expired', path: 'credentials[0]', detail: 'expired', credential: credential.ref });
    await expect(run(context)).resolves.toEqual([]);
    expect(fetcher.requests).toEqual([]);
  });

  it("fetches nothing for a credential from an issuer no query trusts (its URLs are anyone's choice)", async () => {
    const credential = credentialWithStatus([revocation(1)], stranger.did);
    await expect(run(contextFor([credential], [query()]))).resolves.toEqual([]);
    expect(fetcher.requests).toEqual([]);
  });

  it('fetches nothing for a credential of a format no query asks for', async () => {
    const credential = credentialWithStatus([revocation(1)]);
    await expect(run(contextFor([credential], [query({ format: 'vc+jwt' })]))).resolves.toEqual([]);
    expect(fetcher.requests).toEqual([]);
  });
});

describe('status check: who may sign the list', () => {
  it('accepts a list signed by an issuer the policy names for that format', async () => {
    const delegated = statusUrl('delegated');
    fetcher.publish(delegated, await w3cList(delegated, { by: delegate, set: [1] }));
    const credential = credentialWithStatus([revocation(1, delegated)]);
    const queries = [query({ trustedIssuers: [issuer.did, delegate.did] })];
    await expect(run(contextFor([credential], queries))).resolves.toEqual([{ code: 'credential.revoked', path: 'credentials[0].credentialStatus[0]' }]);
  });

  it('does not let "*" make a stranger an authority over someone else\'s credential', async () => {
    const forged = statusUrl('forged');
    fetcher.publish(forged, await w3cList(forged, { by: stranger }));
    const credential = credentialWithStatus([revocation(1, forged)]);
    await expect(run(contextFor([credential], [query({ trustedIssuers: ['*'] })]))).resolves.toEqual([
      { code: 'credential.status_unavailable', path: 'credentials[0].credentialStatus[0]' },
    ]);
  });

  it('under "*", checks the list the credential\'s own issuer signed', async () => {
    const credential = credentialWithStatus([revocation(1)]);
    await expect(run(contextFor([credential], [query({ trustedIssuers: ['*'] })]))).resolves.toEqual([
      { code: 'credential.revoked', path: 'credentials[0].credentialStatus[0]' },
    ]);
  });
});

describe('status check: messages', () => {
  it('reports a message status and passes', async () => {
    const messages = statusUrl('messages');
    fetcher.publish(messages, await w3cList(messages, { purpose: 'message', set: [6] }));
    const credential = credentialWithStatus([
      bitstringStatusEntry({
        url: messages,
        index: 6,
        purpose: 'message',
        statusMessage: [
          { status: '0x0', message: 'pending' },
          { status: '0x1', message: 'approved' },
        ],
      }),
    ]);
    const context = contextFor([credential], [query()]);
    await expect(run(context)).resolves.toEqual([]);
    expect(stateOf(context, credential)?.status).toBe('valid');
    expect(stateOf(context, credential)?.statusMessages).toEqual([{ purpose: 'message', status: '0x1', message: 'approved' }]);
  });
});
