/**
 * A Veramo 7 agent, as TypeScript wallets and issuers build one: keys in
 * @veramo/kms-local behind @veramo/key-manager, did:key identifiers from
 * @veramo/did-provider-key managed by @veramo/did-manager, and W3C
 * credentials and presentations through @veramo/credential-w3c.
 *
 * Veramo 7 moved JWT signing into a separate provider package
 * (@veramo/credential-jwt), which this checkout does not have. `JwtProvider`
 * below stands in for it and does what that package does: it hands the
 * credential or presentation to did-jwt-vc with a signer that calls the
 * agent's `keyManagerSign` (the private key never leaves the KMS), passing
 * Veramo's `challenge` and `domain` through did-jwt-vc's own options.
 */
import {
  createAgent,
  type IAgentContext,
  type ICredentialPlugin,
  type IDIDManager,
  type IKey,
  type IKeyManager,
  type IResolver,
  type TAgent,
} from '@veramo/core';
import { CredentialPlugin } from '@veramo/credential-w3c';
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager';
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager';
import { KeyManagementSystem } from '@veramo/kms-local';
import { createVerifiableCredentialJwt, createVerifiablePresentationJwt, normalizeCredential, normalizePresentation } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';

export type VeramoAgent = TAgent<IDIDManager & IKeyManager & IResolver & ICredentialPlugin>;
type Context = IAgentContext<IDIDManager & IKeyManager>;
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function signerFor(context: Context, did: string): Promise<{ key: IKey; sign: (data: string | Uint8Array) => Promise<string> }> {
  const identifier = await context.agent.didManagerGet({ did });
  const key = identifier.keys[0];
  if (!key) throw new Error(`no key for ${did}`);
  const sign = async (data: string | Uint8Array): Promise<string> =>
    context.agent.keyManagerSign({
      keyRef: key.kid,
      algorithm: 'EdDSA',
      data: typeof data === 'string' ? data : Buffer.from(data).toString('utf8'),
      encoding: 'utf-8',
    });
  return { key, sign };
}

class JwtProvider {
  getProofFormatsSupportedForKey(key: IKey): string[] {
    return key.type === 'Ed25519' ? ['jwt'] : [];
  }
  canIssueProofFormat({ proofFormat }: { proofFormat: string }): boolean {
    return proofFormat === 'jwt';
  }
  canVerifyDocumentType(): boolean {
    return false;
  }
  async createVerifiableCredential(args: Loose, context: Context): Promise<Loose> {
    const { credential } = args;
    const issuer = typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;
    const { key, sign } = await signerFor(context, issuer);
    const jwt = await createVerifiableCredentialJwt(
      { ...credential, '@context': credential['@context'] ?? ['https://www.w3.org/2018/credentials/v1'], type: credential.type ?? ['VerifiableCredential'] },
      { did: issuer, signer: sign, alg: 'EdDSA' },
      { header: { kid: `${issuer}#${issuer.slice('did:key:'.length)}`, alg: 'EdDSA' } },
    );
    void key;
    return normalizeCredential(jwt);
  }
  async createVerifiablePresentation(args: Loose, context: Context): Promise<Loose> {
    const { presentation, challenge, domain } = args;
    const holder = presentation.holder as string;
    const { sign } = await signerFor(context, holder);
    const credentials = (presentation.verifiableCredential ?? []).map((vc: Loose | string) => (typeof vc === 'string' ? vc : vc.proof.jwt));
    const jwt = await createVerifiablePresentationJwt(
      { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], ...presentation, verifiableCredential: credentials },
      { did: holder, signer: sign, alg: 'EdDSA' },
      { challenge, domain, header: { kid: `${holder}#${holder.slice('did:key:'.length)}`, alg: 'EdDSA' } },
    );
    return normalizePresentation(jwt);
  }
  async verifyCredential(): Promise<never> {
    throw new Error('not a verifier');
  }
  async verifyPresentation(): Promise<never> {
    throw new Error('not a verifier');
  }
}

export function createVeramoAgent(): VeramoAgent {
  return createAgent<IDIDManager & IKeyManager & IResolver & ICredentialPlugin>({
    plugins: [
      new KeyManager({ store: new MemoryKeyStore(), kms: { local: new KeyManagementSystem(new MemoryPrivateKeyStore()) } }),
      new DIDManager({ store: new MemoryDIDStore(), defaultProvider: 'did:key', providers: { 'did:key': new KeyDIDProvider({ defaultKms: 'local' }) } }),
      new DIDResolverPlugin({ resolver: new Resolver({ ...getDidKeyResolver() }) }),
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      new CredentialPlugin([new JwtProvider() as any]),
    ],
  });
}
