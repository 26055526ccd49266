import { afterEach, describe, expect, it } from '@jest/globals';
import { fixedClock } from '../core/clock.js';
import type { PresentationPolicy, StoredPolicy } from '../core/model/policy.js';
import type { PolicyStore } from '../core/ports/policy-store.js';
import pg from 'pg';
import { createTestSchema, TEST_DATABASE_URL } from '../../test/support/servers.js';
import { CachedPolicyStore, type PolicyChangeFeed } from './cached-policy-store.js';
import { openPostgresStorage, type PostgresStorage } from './postgres/postgres-storage.js';

const policy = (id: string, scope: string): PresentationPolicy =>
  ({
    id,
    audience: 'https://api.example.com',
    credentials: [{ id: 'c', format: 'jwt_vc_json', meta: { type_values: [['VerifiableCredential']] }, trustedIssuers: ['*'] }],
    session: { scope },
  }) as unknown as PresentationPolicy;

/** A feed the test drives by hand. */
class ManualFeed implements PolicyChangeFeed {
  live = true;
  private readonly subscribers: Array<{ onChange(id: string): void; onReset(): void }> = [];
  subscribe(subscriber: { onChange(id: string): void; onReset(): void }): void {
    this.subscribers.push(subscriber);
  }
  change(id: string): void {
    for (const s of this.subscribers) s.onChange(id);
  }
  reset(): void {
    for (const s of this.subscribers) s.onReset();
  }
}

/** A store that counts reads and can hold one read until released. */
class CountingStore implements PolicyStore {
  reads = 0;
  value: StoredPolicy | null = { policy: policy('p', 'old'), owner: 'op', createdAt: 0, updatedAt: 0 };
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release?.();
    this.gate = undefined;
  }
  async get(): Promise<StoredPolicy | null> {
    this.reads++;
    const seen = this.value;
    if (this.gate) await this.gate;
    return seen;
  }
  list(): Promise<StoredPolicy[]> {
    return Promise.resolve([]);
  }
  put(): never {
    throw new Error('not used');
  }
  delete(): never {
    throw new Error('not used');
  }
}

describe('CachedPolicyStore', () => {
  const clock = fixedClock(Date.parse('2026-12-02T12:00:00Z'));

  it('serves a cached copy until a change notice, then reads again', async () => {
    const store = new CountingStore();
    const feed = new ManualFeed();
    const cached = new CachedPolicyStore(store, feed, clock, { capacity: 10, maxAgeMs: 60_000 });
    await cached.get('p');
    await cached.get('p');
    expect(store.reads).toBe(1);
    feed.change('p');
    await cached.get('p');
    expect(store.reads).toBe(2);
  });

  it('does not cache a value read while a change notice arrived (read/invalidate race)', async () => {
    const store = new CountingStore();
    const feed = new ManualFeed();
    const cached = new CachedPolicyStore(store, feed, clock, { capacity: 10, maxAgeMs: 60_000 });
    store.hold();
    const inFlight = cached.get('p'); // reads the old value, answer delayed
    store.value = { policy: policy('p', 'new'), owner: 'op', createdAt: 0, updatedAt: 1 };
    feed.change('p'); // the change commits and is announced before the old read returns
    store.open();
    expect((await inFlight)?.policy.session?.scope).toBe('old');
    expect((await cached.get('p'))?.policy.session?.scope).toBe('new');
    expect(store.reads).toBe(2);
  });

  it('caches nothing while the feed is not live, and drops everything on a reset', async () => {
    const store = new CountingStore();
    const feed = new ManualFeed();
    const cached = new CachedPolicyStore(store, feed, clock, { capacity: 10, maxAgeMs: 60_000 });
    await cached.get('p');
    feed.live = false;
    feed.reset();
    await cached.get('p');
    await cached.get('p');
    expect(store.reads).toBe(3);
    expect(cached.size).toBe(0);
  });

  it('re-reads after KPARTY_POLICY_CACHE_MAX_AGE even without a notice, and never caches unknown ids', async () => {
    const store = new CountingStore();
    let now = clock.now();
    const cached = new CachedPolicyStore(store, new ManualFeed(), { now: () => now }, { capacity: 10, maxAgeMs: 1000 });
    await cached.get('p');
    now += 999;
    await cached.get('p');
    expect(store.reads).toBe(1);
    now += 1;
    await cached.get('p');
    expect(store.reads).toBe(2);
    store.value = null;
    expect(await cached.get('unknown')).toBeNull();
    expect(cached.size).toBe(1); // only 'p'
  });
});

describe('policy cache on PostgreSQL across two replicas (LISTEN/NOTIFY)', () => {
  const opened: PostgresStorage[] = [];
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const storage of opened.splice(0)) await storage.close();
    for (const drop of drops.splice(0)) await drop();
  });

  async function waitFor(read: () => Promise<unknown>, expected: unknown): Promise<void> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const value = await read();
      if (JSON.stringify(value) === JSON.stringify(expected)) return;
      if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after 5 s, expected ${JSON.stringify(expected)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('a change or delete by one replica is seen by the other, which had it cached', async () => {
    const schema = await createTestSchema();
    drops.push(() => schema.drop());
    const a = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name, policyCacheMaxAgeMs: 60_000 });
    opened.push(a);
    const b = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name, policyCacheMaxAgeMs: 60_000 });
    opened.push(b);

    await a.policies.put(policy('shared', 'v1'), 'rp-1', 1);
    expect((await b.policies.get('shared'))?.policy.session?.scope).toBe('v1'); // now cached in b
    await a.policies.put(policy('shared', 'v2'), 'rp-1', 2);
    await waitFor(async () => (await b.policies.get('shared'))?.policy.session?.scope, 'v2');
    await a.policies.delete('shared', 'rp-1');
    await waitFor(async () => (await b.policies.get('shared')) ?? null, null);
  });

  it('a broken LISTEN connection turns the cache off until it is back, then drops what it had', async () => {
    const schema = await createTestSchema();
    drops.push(() => schema.drop());
    const applicationName = `kparty-listen-test-${schema.name}`;
    const a = await openPostgresStorage({ url: TEST_DATABASE_URL, schema: schema.name, policyCacheMaxAgeMs: 60_000, applicationName });
    opened.push(a);
    await a.policies.put(policy('p', 'v1'), 'rp-1', 1);
    expect((await a.policies.get('p'))?.policy.session?.scope).toBe('v1');

    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [
        applicationName,
      ]);
      expect(killed.rowCount).toBe(1);
      // Changed behind the listener's back (a plain connection, as another replica would).
      await admin.query(`UPDATE ${schema.name}.policies SET body = jsonb_set(body, '{session,scope}', '"v2"') WHERE id = 'p'`);
    } finally {
      await admin.end();
    }
    await waitFor(async () => (await a.policies.get('p'))?.policy.session?.scope, 'v2');
  });
});
