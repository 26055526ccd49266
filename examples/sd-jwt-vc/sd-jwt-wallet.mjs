#!/usr/bin/env node
/**
 * An SD-JWT VC issuer and wallet for trying kparty (docs/api.md, "SD-JWT VC
 * walk-through"), built on @sd-jwt/sd-jwt-vc + @sd-jwt/crypto-nodejs — other
 * people's software, as a real issuer and wallet would be. Test keys only.
 *
 *   node sd-jwt-wallet.mjs keys <dir>                    issuer and holder ES256 keys → <dir>/issuer.json, holder.json
 *   node sd-jwt-wallet.mjs issue <dir>                   the issuer's SD-JWT VC → <dir>/credential.txt
 *   node sd-jwt-wallet.mjs policy <dir>                  a policy pinning the issuer's public key (JSON on stdout)
 *   node sd-jwt-wallet.mjs present <dir> <nonce> <aud>   given_name and age_equal_or_over.18 with a KB-JWT (stdout)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';

const ISSUER = 'https://issuer.example.com';
const VCT = 'urn:eudi:pid:1';
const hasher = (data, alg) => digest(data, alg);
const [command, dir, ...args] = process.argv.slice(2);
const read = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

switch (command) {
  case 'keys': {
    writeFileSync(join(dir, 'issuer.json'), JSON.stringify(await ES256.generateKeyPair()));
    writeFileSync(join(dir, 'holder.json'), JSON.stringify(await ES256.generateKeyPair()));
    break;
  }
  case 'issue': {
    const issuer = read('issuer.json');
    const holder = read('holder.json');
    const sdjwt = new SDJwtVcInstance({
      signer: await ES256.getSigner(issuer.privateKey),
      signAlg: 'ES256',
      hasher,
      hashAlg: 'sha-256',
      saltGenerator: generateSalt,
    });
    const credential = await sdjwt.issue(
      {
        iss: ISSUER,
        iat: Math.floor(Date.now() / 1000),
        vct: VCT,
        cnf: { jwk: holder.publicKey },
        given_name: 'Erika',
        family_name: 'Mustermann',
        birthdate: '1964-08-12',
        age_equal_or_over: { 18: true, 65: false },
      },
      { _sd: ['given_name', 'family_name', 'birthdate', 'age_equal_or_over'], age_equal_or_over: { _sd: ['18', '65'] } },
    );
    writeFileSync(join(dir, 'credential.txt'), credential);
    break;
  }
  case 'policy': {
    const { publicKey } = read('issuer.json');
    const policy = {
      audience: 'https://pid-portal.example.com',
      credentials: [
        {
          id: 'pid',
          format: 'dc+sd-jwt',
          meta: { vct_values: [VCT] },
          claims: [{ path: ['given_name'] }, { path: ['age_equal_or_over', '18'], values: [true] }],
          trustedIssuers: [{ id: ISSUER, jwks: { keys: [{ kty: publicKey.kty, crv: publicKey.crv, x: publicKey.x, y: publicKey.y }] } }],
          status: 'ignore',
        },
      ],
      session: { scope: 'pid', claims: { given_name: ['pid', 'given_name'] } },
    };
    process.stdout.write(`${JSON.stringify(policy)}\n`);
    break;
  }
  case 'present': {
    const [nonce, aud] = args;
    const holder = read('holder.json');
    const wallet = new SDJwtVcInstance({ hasher, kbSigner: await ES256.getSigner(holder.privateKey), kbSignAlg: 'ES256' });
    const presentation = await wallet.present(
      readFileSync(join(dir, 'credential.txt'), 'utf8'),
      { given_name: true, age_equal_or_over: { 18: true } },
      { kb: { payload: { nonce, aud, iat: Math.floor(Date.now() / 1000) } } },
    );
    process.stdout.write(`${presentation}\n`);
    break;
  }
  default:
    console.error('usage: sd-jwt-wallet.mjs keys|issue|policy|present <dir> [nonce aud]');
    process.exit(2);
}
