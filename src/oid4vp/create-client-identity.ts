import type { Clock } from '../core/clock.js';
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
