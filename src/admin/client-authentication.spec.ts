import { describe, expect, it } from '@jest/globals';
import { hashApiKey } from '../core/secrets.js';
import { MemoryRelyingPartyStore } from '../storage/memory/memory-relying-party-store.js';
import { ApiKeyAuthenticator } from './authenticator.js';
import { authenticateClient } from './client-authentication.js';

const OPERATOR_KEY = 'operator-key-0123456789abcdef0123456789';
const ACME_KEY = 'kpk_acme-key-0123456789';
const WEIRD_KEY = 'kpk_with:colon+plus%/';

async function authenticator(): Promise<ApiKeyAuthenticator> {
  const store = new MemoryRelyingPartyStore();
  await store.create({ id: 'acme', name: 'Acme', audiences: [], apiKeyHash: hashApiKey(ACME_KEY), createdAt: 0 } as never);
  await store.create({ id: 'we ird', name: 'Weird', audiences: [], apiKeyHash: hashApiKey(WEIRD_KEY), createdAt: 0 } as never);
  return new ApiKeyAuthenticator(hashApiKey(OPERATOR_KEY), store);
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const form = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');

async function code(header: string | string[] | undefined): Promise<string> {
  try {
    await authenticateClient(header, await authenticator());
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'accepted';
}

describe('client authentication at the OAuth endpoints', () => {
  it('no header is a public client; a Bearer RP key or the operator key names its owner', async () => {
    const auth = await authenticator();
    await expect(authenticateClient(undefined, auth)).resolves.toBeUndefined();
    await expect(authenticateClient(`Bearer ${ACME_KEY}`, auth)).resolves.toBe('acme');
    await expect(authenticateClient(`Bearer ${OPERATOR_KEY}`, auth)).resolves.toBe('@operator');
  });

  it('client_secret_basic: id and secret form-encoded before base64 (RFC 6749 §2.3.1)', async () => {
    const auth = await authenticator();
    await expect(authenticateClient(basic('acme', ACME_KEY), auth)).resolves.toBe('acme');
    await expect(authenticateClient(basic(form('we ird'), form(WEIRD_KEY)), auth)).resolves.toBe('we ird');
  });

  it("refuses unknown keys, another client's id, the operator key over Basic, and malformed headers with auth.unauthorized", async () => {
    for (const header of [
      'Bearer nope',
      basic('other', ACME_KEY),
      basic('acme', 'wrong'),
      basic('@operator', OPERATOR_KEY),
      basic('', ACME_KEY),
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      basic('%E0%A4%A', ACME_KEY),
      'Basic %%%',
      'Digest x',
      'Bearer',
      `Bearer ${'x'.repeat(3000)}`,
      [`Bearer ${ACME_KEY}`, `Bearer ${ACME_KEY}`],
    ]) {
      expect(await code(header)).toBe('auth.unauthorized');
    }
  });
});
