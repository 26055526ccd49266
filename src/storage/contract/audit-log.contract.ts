import { describe, expect, it } from '@jest/globals';
import type { AuditEvent } from '../../core/model/audit-event.js';
import { AUDIT_LIST_MAX_LIMIT } from '../../core/ports/audit-log.js';
import type { Storage } from '../../core/ports/storage.js';
import { auditEvent, T0 } from './fixtures.js';

const ids = (events: AuditEvent[]): string[] => events.map((event) => event.id);

export function describeAuditLogContract(current: () => Storage): void {
  describe('audit log (AuditLog)', () => {
    /** Records events 1..count (owner rp-a unless `owner` says otherwise), in a shuffled order. */
    async function recordNumbered(count: number, owner: (n: number) => string = () => 'rp-a'): Promise<void> {
      const order = Array.from({ length: count }, (_, i) => i + 1).sort((a, b) => ((a * 7) % 11) - ((b * 7) % 11));
      for (const n of order) await current().auditLog.record(auditEvent(n, { owner: owner(n) }));
    }

    it('list is empty at first, without a next cursor', async () => {
      await expect(current().auditLog.list(undefined, { limit: 10 })).resolves.toStrictEqual({ events: [] });
      await expect(current().auditLog.list('rp-a', { limit: 10 })).resolves.toStrictEqual({ events: [] });
    });

    it('lists newest first (descending id) whatever the order of recording, every member intact', async () => {
      await recordNumbered(5);
      const page = await current().auditLog.list('rp-a', { limit: 10 });
      expect(page).toStrictEqual({ events: [5, 4, 3, 2, 1].map((n) => auditEvent(n)) });
    });

    it('keeps absent optional members absent and an empty codes list empty', async () => {
      const bare: AuditEvent = { id: 'evt-bare', time: T0, owner: 'rp-a', policyId: 'p', outcome: 'accepted', codes: [] };
      await current().auditLog.record(bare);
      await expect(current().auditLog.list(undefined, { limit: 1 })).resolves.toStrictEqual({ events: [bare] });
    });

    it('pages through 3 pages by cursor; the last page has no next', async () => {
      await recordNumbered(8);
      const first = await current().auditLog.list('rp-a', { limit: 3 });
      expect({ ids: ids(first.events), next: first.next }).toStrictEqual({ ids: ['evt-0008', 'evt-0007', 'evt-0006'], next: 'evt-0006' });
      const second = await current().auditLog.list('rp-a', { limit: 3, before: first.next! });
      expect({ ids: ids(second.events), next: second.next }).toStrictEqual({ ids: ['evt-0005', 'evt-0004', 'evt-0003'], next: 'evt-0003' });
      const third = await current().auditLog.list('rp-a', { limit: 3, before: second.next! });
      expect(third).toStrictEqual({ events: [auditEvent(2), auditEvent(1)] });
    });

    it('a page that ends exactly at the oldest event has no next (no empty last page)', async () => {
      await recordNumbered(6);
      const first = await current().auditLog.list(undefined, { limit: 3 });
      expect(first.next).toBe('evt-0004');
      const second = await current().auditLog.list(undefined, { limit: 3, before: first.next! });
      expect(second).toStrictEqual({ events: [3, 2, 1].map((n) => auditEvent(n)) });
    });

    it('pages are keyset-stable: events recorded between two pages neither shift nor repeat them', async () => {
      await recordNumbered(6);
      const first = await current().auditLog.list(undefined, { limit: 3 });
      await current().auditLog.record(auditEvent(7));
      await current().auditLog.record(auditEvent(8));
      const second = await current().auditLog.list(undefined, { limit: 3, before: first.next! });
      expect(ids(second.events)).toStrictEqual(['evt-0003', 'evt-0002', 'evt-0001']);
      expect(ids((await current().auditLog.list(undefined, { limit: 3 })).events)).toStrictEqual(['evt-0008', 'evt-0007', 'evt-0006']);
    });

    it('before need not be a stored id: it is compared, not looked up', async () => {
      await recordNumbered(4);
      await expect(current().auditLog.list(undefined, { limit: 10, before: 'evt-0003x' })).resolves.toStrictEqual({
        events: [3, 2, 1].map((n) => auditEvent(n)),
      });
      await expect(current().auditLog.list(undefined, { limit: 10, before: 'evt-0001' })).resolves.toStrictEqual({ events: [] });
      await expect(current().auditLog.list(undefined, { limit: 10, before: '' })).resolves.toStrictEqual({ events: [] });
    });

    it("an owner sees only its own events, also when paging with a cursor from another owner's event", async () => {
      await recordNumbered(9, (n) => (n % 3 === 0 ? 'rp-b' : n % 3 === 1 ? 'rp-a' : '@operator'));
      expect(ids((await current().auditLog.list('rp-a', { limit: 10 })).events)).toStrictEqual(['evt-0007', 'evt-0004', 'evt-0001']);
      expect(ids((await current().auditLog.list('rp-b', { limit: 10 })).events)).toStrictEqual(['evt-0009', 'evt-0006', 'evt-0003']);
      expect(ids((await current().auditLog.list('@operator', { limit: 10 })).events)).toStrictEqual(['evt-0008', 'evt-0005', 'evt-0002']);
      await expect(current().auditLog.list('rp-none', { limit: 10 })).resolves.toStrictEqual({ events: [] });

      const first = await current().auditLog.list('rp-b', { limit: 2 });
      expect({ ids: ids(first.events), next: first.next }).toStrictEqual({ ids: ['evt-0009', 'evt-0006'], next: 'evt-0006' });
      await expect(current().auditLog.list('rp-b', { limit: 2, before: first.next! })).resolves.toStrictEqual({
        events: [auditEvent(3, { owner: 'rp-b' })],
      });
      // rp-b's cursor used by rp-a: still only rp-a's events, older than the cursor.
      expect(ids((await current().auditLog.list('rp-a', { limit: 10, before: 'evt-0006' })).events)).toStrictEqual(['evt-0004', 'evt-0001']);

      const all = await current().auditLog.list(undefined, { limit: 4 });
      expect({ ids: ids(all.events), next: all.next }).toStrictEqual({ ids: ['evt-0009', 'evt-0008', 'evt-0007', 'evt-0006'], next: 'evt-0006' });
    });

    it(`accepts limits from 1 to ${AUDIT_LIST_MAX_LIMIT} and refuses any other`, async () => {
      await recordNumbered(3);
      await expect(current().auditLog.list(undefined, { limit: 1 })).resolves.toStrictEqual({ events: [auditEvent(3)], next: 'evt-0003' });
      expect(ids((await current().auditLog.list(undefined, { limit: AUDIT_LIST_MAX_LIMIT })).events)).toHaveLength(3);
      for (const limit of [0, -1, 1.5, AUDIT_LIST_MAX_LIMIT + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(current().auditLog.list(undefined, { limit })).rejects.toHaveProperty('message', expect.stringContaining('limit'));
        await expect(current().auditLog.list('rp-a', { limit, before: 'evt-0002' })).rejects.toHaveProperty('message', expect.stringContaining('limit'));
      }
    });

    it('recording an id twice fails and keeps the first event', async () => {
      await current().auditLog.record(auditEvent(1));
      await expect(current().auditLog.record(auditEvent(1, { outcome: 'accepted', codes: [] }))).rejects.toHaveProperty('message', expect.any(String));
      await expect(current().auditLog.list(undefined, { limit: 10 })).resolves.toStrictEqual({ events: [auditEvent(1)] });
    });

    it('records concurrent events all, and refuses only a duplicate among them', async () => {
      const outcomes = await Promise.allSettled([1, 2, 3, 2, 4].map((n) => current().auditLog.record(auditEvent(n))));
      const statuses = outcomes.map((outcome) => outcome.status);
      // Events 1, 3 and 4 are recorded; of the two writes of event 2 (racing on a pool, in no fixed order) exactly one is refused.
      expect([statuses[0], statuses[2], statuses[4]]).toStrictEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect([statuses[1], statuses[3]].sort()).toStrictEqual(['fulfilled', 'rejected']);
      await expect(current().auditLog.list(undefined, { limit: 10 })).resolves.toStrictEqual({ events: [4, 3, 2, 1].map((n) => auditEvent(n)) });
    });

    it('records a burst of 450 concurrent events, each durable when its promise resolves (group commit batches)', async () => {
      const numbers = Array.from({ length: 450 }, (_, i) => i + 1);
      await Promise.all(numbers.map((n) => current().auditLog.record(auditEvent(n))));
      const page = await current().auditLog.list(undefined, { limit: AUDIT_LIST_MAX_LIMIT });
      expect(page.events).toHaveLength(450);
      expect(page.events.at(-1)).toStrictEqual(auditEvent(1));
    });

    it('purgeOlderThan deletes events with time before the cutoff, of every owner, and counts them', async () => {
      await expect(current().auditLog.purgeOlderThan(T0 + 100_000)).resolves.toBe(0);
      await recordNumbered(5, (n) => (n % 2 === 0 ? 'rp-b' : 'rp-a'));
      // Event 3 has time T0 + 3000 exactly: it is kept.
      await expect(current().auditLog.purgeOlderThan(T0 + 3000)).resolves.toBe(2);
      expect(ids((await current().auditLog.list(undefined, { limit: 10 })).events)).toStrictEqual(['evt-0005', 'evt-0004', 'evt-0003']);
      await expect(current().auditLog.purgeOlderThan(T0 + 3000)).resolves.toBe(0);
    });

    it('stores copies: neither the input nor a returned event can change what is stored', async () => {
      const input = auditEvent(1);
      await current().auditLog.record(input);
      input.codes.push('credential.expired');
      input.credentialIssuers!.pop();
      input.holder = 'did:web:tampered.example.com';
      const read = await current().auditLog.list(undefined, { limit: 10 });
      read.events[0]!.codes.length = 0;
      read.events[0]!.outcome = 'accepted';
      await expect(current().auditLog.list(undefined, { limit: 10 })).resolves.toStrictEqual({ events: [auditEvent(1)] });
    });
  });
}
