import { lookup } from 'node:dns/promises';
import { FetchError } from '../core/ports/fetcher.js';
import { classifyAddress } from './address-ranges.js';
import type { OutboundTarget } from './outbound-target.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Replaceable so tests can make a name resolve to loopback without a network. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

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
export async function pinAddresses(target: OutboundTarget, resolveHost: HostResolver): Promise<ResolvedAddress[]> {
  if (target.ipVersion !== 0) {
    refuseBlocked(target, target.host);
    return [{ address: target.host, family: target.ipVersion }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveHost(target.host);
  } catch (cause) {
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
