#!/usr/bin/env node
import { systemClock } from './core/clock.js';
import { loadConfig } from './core/config.js';
import { ConfigError } from './core/errors.js';
import { pino } from 'pino';
import { SigningKeyRotator } from './session/signing-key-rotation.js';
import { describeSigningKeys } from './session/signing-key-states.js';
import { openStorage } from './storage/open-storage.js';

const USAGE = `usage: kparty <command>

commands:
  keys rotate [--immediate]   rotate the session-signing key in the storage DATABASE_URL names.
                              The new key is published now and signs after KPARTY_KEY_ROTATION_LEAD
                              seconds (running replicas pick it up within 30 s); --immediate signs
                              with it at once (emergencies: verifiers with a cached JWKS refuse new
                              tokens until they refetch it). Prints {"kid","activatesAt","created"}.
  keys list                   print the published session-signing keys and their states as JSON
  help                        this text

Configuration comes from the environment, as for the service (DATABASE_URL, REDIS_URL, ...).
Exit codes: 0 done, 1 failed (the reason on stderr), 2 usage error.
`;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

class UsageError extends Error {}

/** Runs one command; resolves with what to print on stdout. */
async function run(args: readonly string[]): Promise<string> {
  const [group, command, ...rest] = args;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') return USAGE;
  if (group !== 'keys' || (command !== 'rotate' && command !== 'list')) throw new UsageError(`unknown command: ${args.join(' ')}`);
  const unknown = rest.filter((arg) => !(command === 'rotate' && arg === '--immediate'));
  if (unknown.length > 0) throw new UsageError(`unknown option(s) for "keys ${command}": ${unknown.join(' ')}`);

  const config = loadConfig();
  // Log lines go to stderr: stdout carries only the command's JSON.
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, base: { service: 'kparty-cli' } }, pino.destination(2));
  const storage = await openStorage(config, logger);
  try {
    if (command === 'list') {
      const now = systemClock.now();
      const keys = describeSigningKeys(await storage.signingKeys.list(now), now).map((k) => ({
        ...k,
        createdAt: iso(k.createdAt),
        activatesAt: iso(k.activatesAt),
        retiredAt: iso(k.retiredAt),
        expiresAt: iso(k.expiresAt),
      }));
      return `${JSON.stringify({ keys }, null, 2)}\n`;
    }
    const rotator = new SigningKeyRotator(storage.signingKeys, systemClock, {
      leadSeconds: config.keyRotationLead,
      intervalSeconds: config.keyRotationInterval,
      sessionMaxTtl: config.sessionMaxTtl,
      clockSkew: config.clockSkew,
    });
    const outcome = await rotator.rotate({ immediate: rest.includes('--immediate') });
    return `${JSON.stringify({ kid: outcome.kid, activatesAt: iso(outcome.activatesAt), created: outcome.created })}\n`;
  } finally {
    await storage.close();
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
    const reason = error instanceof ConfigError ? `invalid configuration: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`kparty: ${reason}\n`);
    process.exitCode = 1;
  },
);
