import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Oid4vpRequestRecord } from '../core/model/oid4vp-request.js';
import type { Fetcher } from '../core/ports/fetcher.js';
import { signJwt } from '../crypto/jwt-signer.js';
import type { SigningKeyRing } from '../session/signing-key-ring.js';

/** JOSE `typ` of kparty's event JWTs (docs/oid4vp.md "Callbacks"). */
export const EVENT_JWT_TYP = 'kparty-event+jwt';

/** Delay before the first retry; doubled each time (1 s, 2 s, 4 s, …). */
export const CALLBACK_FIRST_RETRY_MS = 1_000;

/** A callback's own time limit per attempt, and its response-size cap (the answer is ignored). */
const CALLBACK_TIMEOUT_MS = 3_000;
const CALLBACK_MAX_BYTES = 16_384;

export interface CallbackDispatcherOptions {
  fetcher: Fetcher;
  /** The session-signing keys (the event JWT is verifiable with /.well-known/jwks.json). */
  keys: Pick<SigningKeyRing, 'current'>;
  clock: Clock;
  logger: Logger;
  issuer: string;
  /** KPARTY_OID4VP_CALLBACK_ATTEMPTS. */
  attempts: number;
  /** For tests: how retries wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Tells a relying party that its request was decided (verified, rejected,
 * expired, cancelled): POSTs `application/jwt` — a JWT signed with the session
 * key, `typ` kparty-event+jwt, claims iss, aud (relying-party id), iat, jti
 * (event id), request, status — through the guarded Fetcher, retried with
 * exponential back-off until a 2xx or the attempts run out. Every attempt
 * carries the same JWT, so the relying party deduplicates by `jti`. A callback
 * never changes the outcome; it carries no result (the relying party reads it
 * with GET). Attempts live in this process: a restart drops pending retries.
 */
export class CallbackDispatcher {
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: CallbackDispatcherOptions) {}

  /** Fire and forget; never throws. */
  notify(record: Oid4vpRequestRecord): void {
    if (record.callbackUrl === undefined || this.closed) return;
    void this.deliver(record.callbackUrl, record).catch((error: unknown) => {
      this.options.logger.warn({ err: error, request: record.id }, 'OpenID4VP callback could not be prepared');
    });
  }

  /** Stops scheduling retries (shutdown). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** The event JWT for a decided request. */
  async eventJwt(record: Oid4vpRequestRecord): Promise<string> {
    const { kid, alg, key } = this.options.keys.current();
    return signJwt(
      { alg, kid, typ: EVENT_JWT_TYP },
      {
        iss: this.options.issuer,
        aud: record.owner,
        iat: Math.floor(this.options.clock.now() / 1000),
        jti: randomUUID(),
        request: record.id,
        status: record.status === 'responding' ? 'fetched' : record.status,
      },
      key,
    );
  }

  private async deliver(url: string, record: Oid4vpRequestRecord): Promise<void> {
    const jwt = await this.eventJwt(record);
    const data = new TextEncoder().encode(jwt);
    for (let attempt = 1; attempt <= this.options.attempts && !this.closed; attempt++) {
      try {
        await this.options.fetcher.fetch({
          url,
          method: 'POST',
          body: { contentType: 'application/jwt', data },
          accept: [],
          timeoutMs: CALLBACK_TIMEOUT_MS,
          maxBytes: CALLBACK_MAX_BYTES,
        });
        return;
      } catch (error) {
        this.options.logger.warn({ err: error, request: record.id, attempt }, 'OpenID4VP callback failed');
        if (attempt < this.options.attempts) await this.wait(CALLBACK_FIRST_RETRY_MS * 2 ** (attempt - 1));
      }
    }
  }

  private wait(ms: number): Promise<void> {
    if (this.options.sleep) return this.options.sleep(ms);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.add(timer);
    });
  }
}
