import { lookup } from 'node:dns/promises';
import { FetchError } from '../core/ports/fetcher.js';
import { classifyAddress } from './address-ranges.js';
import type { OutboundTarget } from './outbound-target.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has. Replaceable so tests can make a name resolve to loopback without a network.
 * `signal` aborts when the fetch that asked gives up (a resolver may stop waiting then).
 */
export type HostResolver = (hostname: string, signal?: AbortSignal) => Promise<ResolvedAddress[]>;

/** A lookup refused because as many are running as may and the queue behind them is full (KPARTY_DNS_MAX_QUEUED). */
export class ResolverBusyError extends Error {}

export interface ResolverLimits {
  /** KPARTY_DNS_MAX_CONCURRENT (default 2): system lookups running at once. */
  maxConcurrent: number;
  /** KPARTY_DNS_MAX_QUEUED (default 256): lookups waiting for one of those; more are refused at once. */
  maxQueued: number;
}

/**
 * `resolve` with at most `maxConcurrent` lookups running at once.
 *
 * The system resolver is getaddrinfo, which runs on libuv's thread pool (4
 * threads by default) — the pool that also runs kparty's offloaded signature
 * checks (src/crypto/offload-policy.ts), zlib and file access. A lookup
 * holds its thread until the resolver answers or times out (seconds, with
 * retries), whatever the fetch's own deadline: a wallet naming DIDs on a
 * domain whose name server never answers could hold every pool thread with
 * four presentations and stall every other request's signature checks
 * (issue 18, found while measuring thread-pool hand-offs). So at most
 * `maxConcurrent` lookups run; the others queue (at most `maxQueued`, then
 * refused at once) and leave the queue when their fetch gives up.
 */
export function boundedHostResolver(resolve: HostResolver, limits: ResolverLimits): HostResolver {
  let running = 0;
  const waiting: Array<() => void> = [];
  // A finished lookup hands its place straight to the first waiter, so no newcomer can slip in between.
  const next = (): void => {
    const admit = waiting.shift();
    if (admit) admit();
    else running -= 1;
  };
  return async (hostname, signal) => {
    if (running >= limits.maxConcurrent) {
      if (waiting.length >= limits.maxQueued) {
        throw new ResolverBusyError(
          `${limits.maxConcurrent} lookups are running and ${waiting.length} waiting (KPARTY_DNS_MAX_CONCURRENT, KPARTY_DNS_MAX_QUEUED)`,
        );
      }
      await new Promise<void>((admitted, gaveUp) => {
        const admit = (): void => {
          signal?.removeEventListener('abort', leave);
          admitted();
        };
        const leave = (): void => {
          const at = waiting.indexOf(admit);
          if (at >= 0) waiting.splice(at, 1);
          gaveUp(signal?.reason ?? new Error('aborted'));
        };
        signal?.throwIfAborted();
        signal?.addEventListener('abort', leave, { once: true });
        waiting.push(admit);
      });
    } else {
      running += 1;
    }
    try {
      return await resolve(hostname, signal);
    } finally {
      next();
    }
  };
}

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every address, in the order it gives them. */
export const systemHostResolver: HostResolver = async (hostname) => {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * The addresses a connection to `target` may use, every one checked.
 *
 * - An IP literal is checked as it is; no DNS.
 * - A name is resolved once; if ANY of its addresses is in a blocked range
 *   the name is refused, even when others are public. A name that mixes
 *   public and private answers is either misconfigured or an attempt to win
 *   a race between check and connect; picking the "good" ones would still
 *   let the attacker probe which answer kparty chose.
 * - An allow-listed `host:port` may resolve to anything (that is what the
 *   allow-list is for: loopback test servers, issuers on the local network).
 *
 * The caller connects to these addresses and no others (the connection's
 * `lookup` answers with them, in this order, for happy eyeballs), so a
 * second DNS answer can never redirect the connection (DNS rebinding).
 *
 * @throws FetchError `address_blocked` or `dns_failed`
 */
export async function pinAddresses(target: OutboundTarget, resolveHost: HostResolver, signal?: AbortSignal): Promise<ResolvedAddress[]> {
  if (target.ipVersion !== 0) {
    refuseBlocked(target, target.host);
    return [{ address: target.host, family: target.ipVersion }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveHost(target.host, signal);
  } catch (cause) {
    if (cause instanceof ResolverBusyError) throw new FetchError('dns_failed', `${target.host} was not looked up: ${cause.message}`, { cause });
    throw new FetchError('dns_failed', `${target.host} does not resolve`, { cause });
  }
  if (addresses.length === 0) throw new FetchError('dns_failed', `${target.host} has no address`);
  for (const { address } of addresses) refuseBlocked(target, address);
  return addresses.map(({ address, family }) => ({ address, family }));
}

function refuseBlocked(target: OutboundTarget, address: string): void {
  if (target.allowListed) return;
  const verdict = classifyAddress(address);
  if (verdict.blocked) {
    throw new FetchError('address_blocked', `${target.authority} resolves to a ${verdict.range} address, which is not fetched`);
  }
}
