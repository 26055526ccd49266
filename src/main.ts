import { pino } from 'pino';
import { createApp } from './api/create-app.js';
import { loadConfig } from './core/config.js';
import { ConfigError } from './core/errors.js';
import { operatorKeyBanner } from './admin/operator-key.js';
import { createKparty } from './kparty.js';

/** Starts kparty: validate configuration, open storage, serve HTTP; stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kparty: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'kparty' } });
  let kparty;
  try {
    kparty = await createKparty(config, {
      logger,
      // A person at a terminal gets the generated key as a block they cannot miss; log collectors get the JSON line.
      onGeneratedOperatorKey: (key) => {
        if (process.stdout.isTTY) process.stderr.write(operatorKeyBanner(key));
      },
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kparty: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(kparty, logger);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  logger.info(
    { host: config.host, port: typeof address === 'object' && address ? address.port : config.port, issuer: config.issuer, docs: `${config.issuer}/docs` },
    'kparty listening',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    await app.close();
    await kparty.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`kparty: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
