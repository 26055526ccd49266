#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { resetOperatorKey } from './admin/operator-key.js';
import { OPERATOR } from './admin/principal.js';
import { createRelyingParty } from './admin/relying-parties.js';
import { systemClock } from './core/clock.js';
import { loadConfig } from './core/config.js';
import { ConfigError, KpartyError } from './core/errors.js';
import { validateWith } from './core/json-schema.js';
import type { Storage } from './core/ports/storage.js';
import { PolicyCatalog } from './policy/policy-catalog.js';
import { loadPolicyFileList, policyFilePaths } from './policy/policy-files.js';
import { SigningKeyRotator } from './session/signing-key-rotation.js';
import { describeSigningKeys } from './session/signing-key-states.js';
import { describeDatabase, requireExistingStorage, StorageMissingError } from './storage/existing-storage.js';
import { openStorage } from './storage/open-storage.js';

const USAGE = `usage: kparty <command>

commands:
  keys rotate [--immediate]   rotate the session-signing key. The new key is published now and signs
                              after KPARTY_KEY_ROTATION_LEAD seconds (running replicas pick it up
                              within 30 s); --immediate signs with it at once (emergencies: verifiers
                              with a cached JWKS refuse new tokens until they refetch it).
                              Prints {"kid","activatesAt","created"}.
  keys list                   print the published session-signing keys and their states as JSON
  relying-parties create --id <id> --name <name>
                              register a relying party; prints {"id","name","apiKey"} (the key is
                              shown this once)
  policies apply -f <file.json> [-f …] | -d <folder>
                              create or replace operator policies from files (a file without "id"
                              takes its file name); all files are validated before any is applied.
                              Prints {"applied":[{"id","outcome"}]}
  admin-key reset             replace the operator key with a new generated one and print it once.
                              Running processes keep the old key until they restart;
                              KPARTY_ADMIN_KEY, when set, still wins at start.
  version, --version          print kparty's version
  help                        this text

Every command works on the database DATABASE_URL names, like the service (default
sqlite:./data/kparty.db), and refuses to run when it does not exist: it never creates one.
Configuration comes from the environment, as for the service (DATABASE_URL, REDIS_URL, ...).
Exit codes: 0 done, 1 failed (the reason on stderr, one line), 2 usage error.
`;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

class UsageError extends Error {}

/** package.json's version; this file runs from dist/ (and src/ under jest), one level below the root. */
export function kpartyVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

/** `--name value` pairs; repeatable options collect every value. Anything else is a usage error. */
function options(args: readonly string[], allowed: readonly string[], flags: readonly string[] = []): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (flags.includes(arg)) {
      found.set(arg, ['true']);
      continue;
    }
    if (!allowed.includes(arg)) throw new UsageError(`unknown argument "${arg}"`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('-')) throw new UsageError(`${arg} needs a value`);
    found.set(arg, [...(found.get(arg) ?? []), value]);
    i += 1;
  }
  return found;
}

function single(found: Map<string, string[]>, name: string): string {
  const values = found.get(name) ?? [];
  if (values.length !== 1) throw new UsageError(`give ${name} exactly once`);
  return values[0] as string;
}

type Command = (args: readonly string[], storage: () => Promise<Storage>) => Promise<string>;

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

const COMMANDS: Record<string, Command> = {
  'keys list': async (args, open) => {
    options(args, []);
    const storage = await open();
    const now = systemClock.now();
    const keys = describeSigningKeys(await storage.signingKeys.list(now), now).map((k) => ({
      ...k,
      createdAt: iso(k.createdAt),
      activatesAt: iso(k.activatesAt),
      retiredAt: iso(k.retiredAt),
      expiresAt: iso(k.expiresAt),
    }));
    return json({ keys });
  },
  'keys rotate': async (args, open) => {
    const immediate = options(args, [], ['--immediate']).has('--immediate');
    const config = loadConfig();
    const storage = await open();
    const rotator = new SigningKeyRotator(storage.signingKeys, systemClock, {
      leadSeconds: config.keyRotationLead,
      intervalSeconds: config.keyRotationInterval,
      sessionMaxTtl: config.sessionMaxTtl,
      clockSkew: config.clockSkew,
    });
    const outcome = await rotator.rotate({ immediate });
    return `${JSON.stringify({ kid: outcome.kid, activatesAt: iso(outcome.activatesAt), created: outcome.created })}\n`;
  },
  'relying-parties create': async (args, open) => {
    const found = options(args, ['--id', '--name']);
    const input = { id: single(found, '--id'), name: single(found, '--name') };
    const violations = validateWith('relying-party-request', input, 'request.invalid');
    if (violations.length > 0) throw new KpartyError('request.invalid', 'invalid relying party', { errors: violations });
    const storage = await open();
    return json(await createRelyingParty(storage.relyingParties, systemClock, input));
  },
  'policies apply': async (args, open) => {
    const found = options(args, ['-f', '--file', '-d', '--dir']);
    const files = [...(found.get('-f') ?? []), ...(found.get('--file') ?? [])];
    const dirs = [...(found.get('-d') ?? []), ...(found.get('--dir') ?? [])];
    if (files.length + dirs.length === 0) throw new UsageError('name the policies: -f <file.json> (repeatable) or -d <folder>');
    for (const dir of dirs) files.push(...(await policyFilePaths(dir, '-d')));
    if (files.length === 0) throw new ConfigError(`no *.json policy files in ${dirs.join(', ')}`);
    const config = loadConfig();
    const policies = await loadPolicyFileList(files, config, 'invalid policy files (nothing was applied)');
    const ids = new Map<string, number>();
    for (const policy of policies) ids.set(policy.id, (ids.get(policy.id) ?? 0) + 1);
    const twice = [...ids].filter(([, n]) => n > 1).map(([id]) => id);
    if (twice.length > 0) throw new ConfigError(`policy id(s) defined in more than one file (nothing was applied): ${twice.join(', ')}`);
    const storage = await open();
    const catalog = new PolicyCatalog(storage.policies, systemClock, config);
    const applied: Array<{ id: string; outcome: 'created' | 'replaced' }> = [];
    for (const policy of policies) {
      const { created } = await catalog.putFor(OPERATOR, policy.id, policy);
      applied.push({ id: policy.id, outcome: created ? 'created' : 'replaced' });
    }
    return json({ applied });
  },
  'admin-key reset': async (args, open) => {
    options(args, []);
    const storage = await open();
    const key = await resetOperatorKey(storage.settings);
    const note = process.env.KPARTY_ADMIN_KEY
      ? 'KPARTY_ADMIN_KEY is set in this environment: while the service starts with it, that key stays the operator key'
      : 'restart running kparty processes: they keep the old key until then';
    process.stderr.write(`kparty: the operator key was replaced; ${note}.\n`);
    return `${JSON.stringify({ operatorKey: key })}\n`;
  },
};

/** Runs one command; resolves with what to print on stdout. */
async function run(args: readonly string[]): Promise<string> {
  const [group, command, ...rest] = args;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') return USAGE;
  if (group === 'version' || group === '--version' || group === '-v') {
    if (args.length > 1) throw new UsageError(`unknown argument "${args[1]}"`);
    return `kparty ${kpartyVersion()}\n`;
  }
  const handler = COMMANDS[`${group} ${command ?? ''}`];
  if (!handler) throw new UsageError(`unknown command: ${args.join(' ')}`);

  let storage: Storage | undefined;
  const open = async (): Promise<Storage> => {
    const config = loadConfig();
    await requireExistingStorage(config);
    // Log lines go to stderr: stdout carries only the command's JSON.
    const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, base: { service: 'kparty-cli' } }, pino.destination(2));
    logger.info({ database: describeDatabase(config) }, 'kparty cli: opened the database');
    storage = await openStorage(config, logger);
    return storage;
  };
  try {
    return await handler(rest, open);
  } finally {
    await storage?.close();
  }
}

run(process.argv.slice(2)).then(
  (output) => {
    process.stdout.write(output);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`kparty: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    const reason =
      error instanceof ConfigError
        ? `invalid configuration: ${error.message}`
        : error instanceof StorageMissingError
          ? error.message
          : error instanceof KpartyError
            ? `${error.code}: ${error.detail}${error.errors ? ` (${error.errors.map((e) => `${e.path ?? ''} ${e.detail ?? e.code}`.trim()).join('; ')})` : ''}`
            : error instanceof Error
              ? error.message
              : String(error);
    process.stderr.write(`kparty: ${reason}\n`);
    process.exitCode = 1;
  },
);
