import { fixedClock } from '../../core/clock.js';
import { DidKeyResolver } from '../../did/methods/key.js';
import { DidResolver } from '../../did/did-resolver.js';
import { credentialDocument, diKey, issueCredential, signPresentation, type Curve, type SuiteName } from '../../../test/support/data-integrity.js';
import { DEFAULT_DATA_INTEGRITY_LIMITS } from './document-caps.js';
import { JsonLdContextSet } from './json-ld-contexts.js';
import { verifyDataIntegrityProofs, type DataIntegrityEnvironment } from './verify-proofs.js';

const NOW = Date.parse('2026-06-02T00:00:00Z');
const env: DataIntegrityEnvironment = {
  dids: new DidResolver([new DidKeyResolver()]),
  contexts: JsonLdContextSet.bundled(),
  limits: DEFAULT_DATA_INTEGRITY_LIMITS,
  now: fixedClock(NOW).now(),
  clockSkewSeconds: 60,
};

const COMBINATIONS: Array<[SuiteName, Curve]> = [
  ['eddsa-rdfc-2022', 'Ed25519'],
  ['eddsa-jcs-2022', 'Ed25519'],
  ['ecdsa-rdfc-2019', 'P-256'],
  ['ecdsa-rdfc-2019', 'P-384'],
  ['ecdsa-jcs-2019', 'P-256'],
  ['ecdsa-jcs-2019', 'P-384'],
];

describe('Data Integrity proofs made by @digitalbazaar/vc', () => {
  it.each(COMBINATIONS)('verifies a %s credential and presentation signed with a did:key %s key', async (suite, curve) => {
    const issuer = await diKey(curve);
    const holder = await diKey(curve);
    const credential = await issueCredential(credentialDocument(issuer.did, holder.did), issuer, suite);
    expect(await verifyDataIntegrityProofs(credential, { role: 'credential', path: 'credentials[0]', signer: issuer.did }, env)).toEqual({
      ok: true,
      domains: [],
      verificationMethods: [issuer.verificationMethod],
    });
    const presentation = await signPresentation([credential], holder, suite, { challenge: 'c-123', domain: 'https://rp.example' });
    expect(await verifyDataIntegrityProofs(presentation, { role: 'presentation', path: 'presentation', signer: holder.did }, env)).toEqual({
      ok: true,
      challenge: 'c-123',
      domains: ['https://rp.example'],
      verificationMethods: [holder.verificationMethod],
    });
  });
});
