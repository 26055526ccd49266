/**
 * Every request the guard makes to kparty (metadata, JWKS, introspection) goes
 * through here: a time limit, a size limit on the answer, and no redirects (a
 * redirected introspection call would carry the relying party's key elsewhere;
 * a redirected metadata or JWKS fetch would move trust). Network failures come
 * back as {@link IssuerUnavailableError}.
 */
import { IssuerUnavailableError } from './errors.js';

export interface FetchLimits {
  /** Milliseconds for the whole exchange, body included. */
  timeoutMs: number;
  /** Largest answer body accepted, in bytes. */
  maxBytes: number;
}

/** Defaults: 5 s and 256 KiB (kparty's metadata and JWKS are a few hundred bytes). */
export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 5000, maxBytes: 262_144 };

/** Statuses whose answer may not carry a body (Fetch standard). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** Fetches `url` and returns the answer with its body read in full (so a caller can parse it without further limits). */
export async function boundedFetch(url: string, init: RequestInit, limits: FetchLimits): Promise<Response> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal, redirect: 'manual' });
  } catch (cause) {
    throw new IssuerUnavailableError('unreachable', `${describe(url)} could not be reached`, { cause });
  }
  const body = await readCapped(response, limits.maxBytes, url);
  return new Response(NULL_BODY_STATUS.has(response.status) ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Uint8Array | null> {
  if (response.body === null) return null;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body.cancel();
    throw new IssuerUnavailableError('bad_response', `${describe(url)} answered more than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new IssuerUnavailableError('bad_response', `${describe(url)} answered more than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof IssuerUnavailableError) throw cause;
    throw new IssuerUnavailableError('unreachable', `reading the answer of ${describe(url)} failed`, { cause });
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The URL without query (an introspection URL never carries secrets there, but logs should not learn to expect that). */
function describe(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}

/** Parses a JSON object answer; anything else is a bad answer from kparty. */
export async function jsonObject(response: Response, what: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = await response.json();
  } catch (cause) {
    throw new IssuerUnavailableError('bad_response', `${what} is not JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IssuerUnavailableError('bad_response', `${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
