/** Every table of the hostile corpus; a new format or endpoint appends its own file here. */
import type { HostileEntry } from '../hostile-entry.js';
import { credentialEntries } from './credentials.js';
import { dataIntegrityEntries } from './data-integrity.js';
import { dateEntries } from './dates.js';
import { endpointEntries } from './endpoints.js';
import { mdocEntries } from './mdoc.js';
import { oid4vpDecisionEntries, oid4vpEncryptedEntries, oid4vpEntries } from './oid4vp.js';
import { sdJwtEntries } from './sd-jwt-vc.js';
import { dpopSessionEntries, exchangeEntries, liveRefreshEntries, tokenEntries } from './token.js';
import { vcApiEntries } from './vc-api.js';

export const HOSTILE_CORPUS: ReadonlyArray<{ table: string; entries: readonly HostileEntry[] }> = [
  { table: 'numeric dates (issue 11 finding 2)', entries: dateEntries },
  { table: "presentations and credentials of today's formats", entries: credentialEntries },
  { table: 'every endpoint', entries: endpointEntries },
  { table: 'SD-JWT VC presentations (dc+sd-jwt)', entries: sdJwtEntries },
  { table: 'mso_mdoc DeviceResponses (verify endpoint and OpenID4VP)', entries: mdocEntries },
  { table: 'Data Integrity presentations (ldp_vp)', entries: dataIntegrityEntries },
  { table: 'OpenID4VP relying-party and wallet endpoints', entries: oid4vpEntries },
  { table: 'OpenID4VP responses that end the request rejected', entries: oid4vpDecisionEntries },
  { table: "OpenID4VP responses encrypted to the request's key", entries: oid4vpEncryptedEntries },
  { table: 'refresh_token grant, DPoP and forwarded headers', entries: tokenEntries },
  { table: 'live refresh tokens in the wrong hands', entries: liveRefreshEntries },
  { table: 'DPoP-bound sessions at forward-auth', entries: dpopSessionEntries },
  { table: "token exchange with this round's formats", entries: exchangeEntries },
  { table: 'W3C VC API verifier endpoints', entries: vcApiEntries },
];
