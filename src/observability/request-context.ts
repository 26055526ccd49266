import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** What every log line about one HTTP request can learn without it being passed down: when it started. */
export interface RequestContext {
  /** performance.now() when the request arrived. */
  startedAt: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `next` (and everything it starts) within a request's context; the HTTP layer calls it once per request. */
export function runInRequestContext<T>(context: RequestContext, next: () => T): T {
  return storage.run(context, next);
}

/** Milliseconds since the current request arrived (one decimal), or undefined outside a request. */
export function requestElapsedMs(): number | undefined {
  const context = storage.getStore();
  return context === undefined ? undefined : Math.round((performance.now() - context.startedAt) * 10) / 10;
}
