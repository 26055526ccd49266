import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { KpartyConfig } from '../core/config.js';
import type { SettingsStore } from '../core/ports/settings-store.js';
import { decentralizedIdentifierIdentity, loadX509RequestSigner, redirectUriIdentity, x509Identity, type ClientIdentity } from './client-identity.js';
import { DidWebRequestKeys, didWebForIssuer } from './did-web-request-keys.js';
import type { SecretSeal } from './secret-seal.js';

/**
 * The deployment's client identity from KPARTY_OID4VP_CLIENT_ID_PREFIX and
 * KPARTY_OID4VP_X509_CHAIN/_KEY (docs/oid4vp.md). kparty's did:web keys exist
 * whatever the prefix (the DID document is always served), so switching to
 * `decentralized_identifier` needs no set-up.
 */
export async function createClientIdentity(
  config: Pick<KpartyConfig, 'issuer' | 'oid4vp'>,
  settings: SettingsStore,
  seal: SecretSeal,
  clock: Clock,
): Promise<{ identity: ClientIdentity; didKeys: DidWebRequestKeys }> {
  const didKeys = new DidWebRequestKeys(didWebForIssuer(config.issuer), settings, seal, clock);
  const { clientIdPrefix, x509ChainFile, x509KeyFile } = config.oid4vp;
  switch (clientIdPrefix) {
    case 'redirect_uri':
      return { identity: redirectUriIdentity, didKeys };
    case 'decentralized_identifier':
      // Generated now, not at the first request, so a first start signs without any set-up.
      await didKeys.current();
      return { identity: decentralizedIdentifierIdentity(didKeys), didKeys };
    case 'x509_hash':
    case 'x509_san_dns': {
      const signer = await loadX509RequestSigner(x509ChainFile!, x509KeyFile!);
      return { identity: x509Identity(clientIdPrefix, signer, new URL(config.issuer).hostname), didKeys };
    }
  }
}

/** `<relying party id>.chain.pem` / `.key.pem` in KPARTY_OID4VP_RP_CERTIFICATES. */
const RP_CERTIFICATE_FILE = /^([a-z0-9][a-z0-9._-]{0,62})\.(chain|key)\.pem$/;

/**
 * Relying parties' own request-signing identities (KPARTY_OID4VP_RP_CERTIFICATES,
 * operator-managed files read at start): `x509_san_dns` when the deployment
 * uses it (the certificate must then name the KPARTY_ISSUER host, which is
 * the response_uri host wallets compare), `x509_hash` otherwise.
 */
export async function loadRelyingPartyIdentities(config: Pick<KpartyConfig, 'issuer' | 'oid4vp'>): Promise<Map<string, ClientIdentity>> {
  const identities = new Map<string, ClientIdentity>();
  const dir = config.oid4vp.rpCertificatesDir;
  if (dir === undefined) return identities;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new ConfigError(`KPARTY_OID4VP_RP_CERTIFICATES: cannot read the folder ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const found = new Map<string, Set<string>>();
  for (const name of names) {
    const match = RP_CERTIFICATE_FILE.exec(name);
    if (!match) continue;
    const kinds = found.get(match[1]!) ?? new Set<string>();
    kinds.add(match[2]!);
    found.set(match[1]!, kinds);
  }
  const prefix = config.oid4vp.clientIdPrefix === 'x509_san_dns' ? 'x509_san_dns' : 'x509_hash';
  for (const [id, kinds] of found) {
    if (!kinds.has('chain') || !kinds.has('key')) {
      throw new ConfigError(`KPARTY_OID4VP_RP_CERTIFICATES: relying party "${id}" needs both ${id}.chain.pem and ${id}.key.pem`);
    }
    let signer;
    try {
      signer = await loadX509RequestSigner(join(dir, `${id}.chain.pem`), join(dir, `${id}.key.pem`));
      identities.set(id, x509Identity(prefix, signer, new URL(config.issuer).hostname));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`KPARTY_OID4VP_RP_CERTIFICATES: relying party "${id}": ${reason}`);
    }
  }
  return identities;
}
