import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { PolicyChangeFeed } from '../cached-policy-store.js';
import { postgresClientConfig, type PostgresConnectionOptions } from './connection.js';

/** The channel the `policies_changed` trigger (migration 4) notifies, with payload `<schema> <policy id>`. */
export const POLICY_CHANNEL = 'kparty_policy_changed';

/** First and longest wait before connecting again after the LISTEN connection broke. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

type Subscriber = Parameters<PolicyChangeFeed['subscribe']>[0];

/**
 * One dedicated PostgreSQL connection per process that LISTENs for policy
 * changes (committed by any replica or the CLI: the trigger announces every
 * row change) and tells the policy cache. While the connection is down the
 * feed is not `live` — the cache then serves nothing and reads the database
 * every time — and after it is back everything cached is dropped, because
 * notices sent in between are lost.
 */
export class PostgresPolicyChangeListener implements PolicyChangeFeed {
  #live = false;
  #closed = false;
  #client: pg.Client | undefined;
  #schema: string | undefined;
  #retryMs = RECONNECT_MIN_MS;
  #timer: NodeJS.Timeout | undefined;
  readonly #subscribers: Subscriber[] = [];

  constructor(
    private readonly options: PostgresConnectionOptions,
    private readonly logger?: Logger,
  ) {}

  get live(): boolean {
    return this.#live;
  }

  subscribe(subscriber: Subscriber): void {
    this.#subscribers.push(subscriber);
  }

  /** Connects and LISTENs; resolves once listening (or once the first attempt failed: retries go on in the background). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#live = false;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(postgresClientConfig(this.options));
    // The one connection that counts; events of an abandoned one are ignored.
    this.#client = client;
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    client.on('notification', (message) => this.#notified(message));
    try {
      await client.connect();
      this.#schema = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]?.schema;
      await client.query(`LISTEN ${POLICY_CHANNEL}`);
    } catch (error) {
      this.#lost(client, error);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#retryMs = RECONNECT_MIN_MS;
    // Changes committed while nobody listened were not announced to this process.
    for (const subscriber of this.#subscribers) subscriber.onReset();
    this.#live = true;
  }

  #notified(message: pg.Notification): void {
    if (message.channel !== POLICY_CHANNEL || message.payload === undefined) return;
    const space = message.payload.indexOf(' ');
    if (space < 0 || message.payload.slice(0, space) !== this.#schema) return;
    const id = message.payload.slice(space + 1);
    for (const subscriber of this.#subscribers) subscriber.onChange(id);
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return;
    const wasLive = this.#live;
    this.#live = false;
    this.#client = undefined;
    for (const subscriber of this.#subscribers) subscriber.onReset();
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.#closed || this.#timer) return;
    if (wasLive)
      this.logger?.warn({ err: error }, 'policy change notifications from PostgreSQL stopped; policies are read from the database until they resume');
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, wait);
    this.#timer.unref();
  }
}
