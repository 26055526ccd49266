import type { OpenAPIObject } from '@nestjs/swagger';
import { KpartyError, PROBLEM_CODES, type ErrorEntry, type ProblemCode } from '../core/errors.js';
import { OAUTH_ENDPOINTS, oauthErrorMembers, oauthStatus } from './oauth-errors.js';
import { ERROR_DETAILS, OPERATION_DOCS, type OperationDoc } from './openapi-operations.js';

/**
 * Finishing touches on the document @nestjs/swagger generates from the
 * controllers, so that /docs/openapi.json is valid OpenAPI 3.1 and reads in the
 * order a newcomer follows (docs/api.md): one operation per route, the tags
 * wallet → relying party → sessions → operations, a summary and description on
 * every operation, an example per error status with a code that status really
 * carries, and real success examples. test/e2e/openapi.e2e.spec.ts checks every
 * one of these on whatever the app serves.
 */

/** The tags, in the order Swagger UI lists them. */
export const OPENAPI_TAGS = [
  { name: 'wallet', description: 'What a wallet calls: get a challenge for a policy, present credentials, receive a session token.' },
  {
    name: 'relying party',
    description: 'Set up with an API key: relying parties (operator key), their presentation policies and the audit log of decisions.',
  },
  {
    name: 'sessions',
    description: 'Session tokens after sign-in: token exchange, introspection, revocation, forward-auth for gateways and the signing keys.',
  },
  { name: 'operations', description: 'Running kparty: health, readiness, Prometheus metrics and session-signing key rotation (operator key).' },
] as const;

export type OpenApiTag = (typeof OPENAPI_TAGS)[number]['name'];

/**
 * Tag names controllers used before issue 16, read as their new names so a
 * controller written against either set lands in the right section.
 * `/v1/admin/keys` is operator housekeeping: see {@link tagFor}.
 */
const TAG_ALIASES: Record<string, OpenApiTag> = {
  admin: 'relying party',
  'session tokens': 'sessions',
  // OpenID4VP 1.0 (docs/oid4vp.md): what the relying party calls, and what the wallet calls.
  openid4vp: 'relying party',
  'openid4vp wallet': 'wallet',
  // W3C VC API verifier endpoints (docs/api.md): called by relying parties' back ends and test suites.
  'W3C VC API': 'relying party',
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A well-formed but made-up request id, the same in every example. */
const EXAMPLE_REQUEST_ID = '3f0c2a7e-5b8d-4c61-9a1e-2d4b6f8e0c13';

type Json = Record<string, unknown>;
type Operation = Json & {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  responses?: Record<string, Json>;
  parameters?: Json[];
};

function tagFor(path: string, tags: readonly string[] | undefined): string[] {
  // Signing keys (session tokens, OpenID4VP requests) are the operator's housekeeping.
  if (/^\/v1\/admin\/(?:[a-z0-9]+\/)?keys(?:\/|$)/.test(path)) return ['operations'];
  return (tags ?? []).map((tag) => TAG_ALIASES[tag] ?? tag).filter((tag, i, all) => all.indexOf(tag) === i);
}

/**
 * A route registered for every method (`@All`, the Envoy ext_authz check) comes
 * out as one operation per method and per wildcard path, all with the same
 * operationId stem, plus Fastify's SEARCH method, which OpenAPI has no field
 * for. Keep a single GET on the path without the wildcard; its description
 * says every method and any path suffix are accepted.
 */
function collapseAnyMethodRoutes(document: OpenAPIObject): void {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    const stems = Object.entries(item).map(([method, op]) =>
      typeof op?.operationId === 'string' && op.operationId.endsWith(`_${method}`) ? op.operationId.slice(0, -method.length - 1) : undefined,
    );
    const stem = stems[0];
    // Every method of the list (and Fastify's extra ones): a controller with GET/PUT/DELETE on one path is not such a route.
    if (stem === undefined || stems.length < HTTP_METHODS.length - 1 || !stems.every((s) => s === stem)) continue;
    const wildcard = /\/\{[^}]+\}$/.test(path) && paths[path.replace(/\/\{[^}]+\}$/, '')] !== undefined;
    if (wildcard) {
      delete paths[path];
      continue;
    }
    const get = item.get;
    if (get === undefined) continue;
    paths[path] = { get: { ...get, operationId: stem } };
  }
}

/** Codes named in backticks in a response description that exist and answer with `status` (on that path). */
function codesIn(description: string | undefined, status: number, oauth: boolean): ProblemCode[] {
  const named = [...(description ?? '').matchAll(/`([a-z0-9_.]+)`/g)].map((m) => m[1] as string);
  return named.filter((code): code is ProblemCode => (PROBLEM_CODES as string[]).includes(code) && statusOf(code as ProblemCode, oauth) === status);
}

function statusOf(code: ProblemCode, oauth: boolean): number {
  const error = new KpartyError(code, '');
  return oauth ? oauthStatus(error) : error.status;
}

/** When a description names no code, the one code a status means on every endpoint. */
const DEFAULT_CODES: Partial<Record<number, ProblemCode>> = {
  401: 'auth.unauthorized',
  403: 'auth.forbidden',
  413: 'request.too_large',
  415: 'request.unsupported_media_type',
  429: 'rate_limited',
  503: 'service.unavailable',
  500: 'internal',
};

/** An error body exactly as src/api/problem-details.filter.ts writes it (OAuth endpoints: RFC 6749 §5.2 members first). */
export function problemExample(code: ProblemCode, oauth: boolean): Json {
  const example = ERROR_DETAILS[code];
  const error = new KpartyError(code, example?.detail ?? new KpartyError(code, '').title, example?.errors ? { errors: example.errors as ErrorEntry[] } : {});
  const detail = error.expose ? error.detail : error.title;
  const body: Json = {
    type: `urn:kparty:problem:${code}`,
    title: error.title,
    status: error.status,
    detail,
    code,
    ...(error.expose && error.errors ? { errors: error.errors } : {}),
    requestId: EXAMPLE_REQUEST_ID,
  };
  return oauth ? { ...oauthErrorMembers(error, detail), ...body, status: oauthStatus(error) } : body;
}

function addErrorExamples(path: string, method: string, operation: Operation, doc: OperationDoc | undefined): void {
  const oauth = OAUTH_ENDPOINTS.has(path);
  for (const [statusText, response] of Object.entries(operation.responses ?? {})) {
    const status = Number(statusText);
    if (!(status >= 400)) continue;
    const description = typeof response.description === 'string' ? response.description : undefined;
    const codes = doc?.errors?.[status] ?? codesIn(description, status, oauth);
    const fallback = DEFAULT_CODES[status];
    const chosen = codes.length > 0 ? codes : fallback !== undefined ? [fallback] : [];
    // Never fail the service over its documentation: a response naming no code keeps no example, and the OpenAPI test names it.
    if (chosen.length === 0) continue;
    const content = (response.content ?? {}) as Record<string, Json>;
    const json = content['application/json'] ?? content['application/problem+json'] ?? {};
    const mediaType = oauth ? 'application/json' : 'application/problem+json';
    const examples = Object.fromEntries(chosen.map((code) => [code, { summary: code, value: problemExample(code, oauth) }]));
    response.content = { [mediaType]: { ...json, examples } };
    if (!description) response.description = chosen.map((c) => `\`${c}\``).join(', ');
  }
}

function addSuccessExamples(operation: Operation, doc: OperationDoc | undefined): void {
  for (const [statusText, response] of Object.entries(operation.responses ?? {})) {
    const example = doc?.examples?.[Number(statusText)];
    if (example === undefined) continue;
    const content = (response.content ?? {}) as Record<string, Json>;
    const [mediaType = 'application/json', media = {}] = Object.entries(content)[0] ?? [];
    response.content = { ...content, [mediaType]: { ...media, example } };
  }
}

/** Applies everything above; `document` is changed in place and returned. */
export function finishOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  collapseAnyMethodRoutes(document);
  document.tags = OPENAPI_TAGS.map((tag) => ({ ...tag }));
  const ordered: Array<[string, Record<string, Operation>]> = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method as (typeof HTTP_METHODS)[number])) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const doc = OPERATION_DOCS[key];
      operation.tags = tagFor(path, operation.tags);
      if (doc) {
        operation.summary ??= doc.summary;
        operation.description ??= doc.description;
      }
      addErrorExamples(path, method, operation, doc);
      addSuccessExamples(operation, doc);
    }
    ordered.push([path, item]);
  }
  // Paths in tag order (then as the controllers declare them): Swagger UI groups by tag, other viewers by path order.
  const rank = (item: Record<string, Operation>): number => {
    const tag = Object.values(item).find((op) => Array.isArray(op?.tags))?.tags?.[0];
    const index = OPENAPI_TAGS.findIndex((t) => t.name === tag);
    return index < 0 ? OPENAPI_TAGS.length : index;
  };
  document.paths = Object.fromEntries(
    ordered
      .map((entry, i) => ({ entry, i }))
      .sort((a, b) => rank(a.entry[1]) - rank(b.entry[1]) || a.i - b.i)
      .map(({ entry }) => entry),
  );
  return document;
}
