#!/usr/bin/env node
// A development wallet for trying kparty by hand (docs/api.md): it makes an
// issuer and a holder did:key, issues the holder credentials and signs
// presentations answering kparty's challenges. Credentials and presentations
// are made by did-jwt-vc (the library Veramo uses), not by kparty's code, so
// what kparty verifies here is what other people's wallets send.
//
// Development dependencies (did-jwt, did-jwt-vc, @noble/curves): run it in a
// development checkout. Its keys are in a JSON file, ./kparty-wallet.json or
// $KPARTY_WALLET — test keys, never for anything real.
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToBase58, EdDSASigner } from 'did-jwt';
import { createVerifiableCredentialJwt, createVerifiablePresentationJwt } from 'did-jwt-vc';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

const USAGE = `usage: node scripts/wallet.mjs <command> [options]

commands:
  init [--force]          create an issuer and a holder (did:key, Ed25519); prints {"issuer","holder"}
  did issuer|holder       print one of the two DIDs
  issue [options]         the issuer signs a VC-JWT about the holder; prints it and keeps it in the wallet
      --type <Type>               credential type (default EmployeeCredential)
      --claim <name>=<value>      a credentialSubject claim; repeatable (default email=alice@example.com, role=staff)
      --expired                   valid until an hour ago (to see a rejection)
  present [options]       the holder signs a VP-JWT of the kept credentials; prints it
      --challenge <nonce> --domain <audience>
                                  what POST /v1/challenges answered; or pipe that answer in on stdin
  reset                   forget the kept credentials (keys stay)

The wallet lives in ./kparty-wallet.json (override: KPARTY_WALLET). Exit codes: 0 done, 1 failed, 2 usage.
`;

class UsageError extends Error {}

const walletPath = () => resolve(process.env.KPARTY_WALLET || 'kparty-wallet.json');

function load() {
  const path = walletPath();
  if (!existsSync(path)) throw new Error(`no wallet at ${path}: run "node scripts/wallet.mjs init" first`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

function save(wallet) {
  writeFileSync(walletPath(), `${JSON.stringify(wallet, null, 2)}\n`, { mode: 0o600 });
}

/** A did:key identity for an Ed25519 secret key (multicodec 0xed01). */
function identity(secretHex) {
  const secret = Uint8Array.from(Buffer.from(secretHex, 'hex'));
  const did = `did:key:z${bytesToBase58(Uint8Array.from([0xed, 0x01, ...ed25519.getPublicKey(secret)]))}`;
  return { did, kid: `${did}#${did.slice('did:key:'.length)}`, signer: EdDSASigner(secret) };
}

const newSecret = () => Buffer.from(ed25519.utils.randomSecretKey()).toString('hex');

/** `--name value` options (repeatable ones collected), with the flags that take no value. */
function options(args, flags, valued) {
  const found = { _: [] };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (flags.includes(arg)) found[arg] = true;
    else if (valued.includes(arg)) {
      const value = args[i + 1];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      (found[arg] ??= []).push(value);
      i += 1;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else found._.push(arg);
  }
  return found;
}

async function readStdin() {
  if (process.stdin.isTTY) return '';
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function run(args) {
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return USAGE;
  if (command === 'init') {
    const opts = options(rest, ['--force'], []);
    if (existsSync(walletPath()) && !opts['--force']) {
      const wallet = load();
      return `${JSON.stringify({ issuer: identity(wallet.issuer).did, holder: identity(wallet.holder).did })}\n`;
    }
    const wallet = { issuer: newSecret(), holder: newSecret(), credentials: [] };
    save(wallet);
    return `${JSON.stringify({ issuer: identity(wallet.issuer).did, holder: identity(wallet.holder).did })}\n`;
  }
  if (command === 'did') {
    const [which, ...more] = rest;
    if ((which !== 'issuer' && which !== 'holder') || more.length > 0) throw new UsageError('did issuer|holder');
    return `${identity(load()[which]).did}\n`;
  }
  if (command === 'issue') {
    const opts = options(rest, ['--expired'], ['--type', '--claim']);
    if (opts._.length > 0) throw new UsageError(`unexpected ${opts._.join(' ')}`);
    const claims = {};
    for (const pair of opts['--claim'] ?? ['email=alice@example.com', 'role=staff']) {
      const at = pair.indexOf('=');
      if (at < 1) throw new UsageError(`--claim takes name=value, got ${pair}`);
      claims[pair.slice(0, at)] = pair.slice(at + 1);
    }
    const wallet = load();
    const issuer = identity(wallet.issuer);
    const holder = identity(wallet.holder);
    const now = Math.floor(Date.now() / 1000);
    const jwt = await createVerifiableCredentialJwt(
      {
        sub: holder.did,
        nbf: now - (opts['--expired'] ? 7200 : 60),
        ...(opts['--expired'] ? { exp: now - 3600 } : {}),
        vc: { '@context': [V1_CONTEXT], type: ['VerifiableCredential', opts['--type']?.[0] ?? 'EmployeeCredential'], credentialSubject: claims },
      },
      { did: issuer.did, signer: issuer.signer, alg: 'EdDSA' },
      { header: { kid: issuer.kid, alg: 'EdDSA' } },
    );
    wallet.credentials.push(jwt);
    save(wallet);
    return `${jwt}\n`;
  }
  if (command === 'present') {
    const opts = options(rest, [], ['--challenge', '--domain']);
    if (opts._.length > 0) throw new UsageError(`unexpected ${opts._.join(' ')}`);
    let challenge = opts['--challenge']?.[0];
    let domain = opts['--domain']?.[0];
    if (challenge === undefined || domain === undefined) {
      const input = (await readStdin()).trim();
      if (!input) throw new UsageError('give --challenge and --domain, or pipe the answer of POST /v1/challenges in');
      let answer;
      try {
        answer = JSON.parse(input);
      } catch {
        throw new Error(`stdin is not the JSON answer of POST /v1/challenges: ${input.slice(0, 200)}`);
      }
      if (typeof answer?.challenge !== 'string' || typeof answer?.domain !== 'string') {
        throw new Error(`stdin has no "challenge" and "domain" (did POST /v1/challenges fail?): ${input.slice(0, 200)}`);
      }
      challenge ??= answer.challenge;
      domain ??= answer.domain;
    }
    const wallet = load();
    if (wallet.credentials.length === 0) throw new Error('the wallet holds no credential: run "node scripts/wallet.mjs issue" first');
    const holder = identity(wallet.holder);
    const jwt = await createVerifiablePresentationJwt(
      { vp: { '@context': [V1_CONTEXT], type: ['VerifiablePresentation'], verifiableCredential: wallet.credentials }, nonce: challenge, aud: domain },
      { did: holder.did, signer: holder.signer, alg: 'EdDSA' },
      { header: { kid: holder.kid, alg: 'EdDSA' } },
    );
    return `${jwt}\n`;
  }
  if (command === 'reset') {
    if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}`);
    const wallet = load();
    save({ ...wallet, credentials: [] });
    return '';
  }
  throw new UsageError(`unknown command ${command}`);
}

run(process.argv.slice(2)).then(
  (output) => process.stdout.write(output),
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`wallet: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`wallet: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
