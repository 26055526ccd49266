/**
 * JSON Schema validation against the schemas in the repository's `schemas/`
 * folder, which are the single source of truth for request bodies and
 * presentation policies (the OpenAPI document references the same files).
 *
 * Every violation is reported, not only the first (docs/api.md "Verifying a presentation": `errors` lists
 * every failure), as {@link ErrorEntry} values whose `path` is a JSON pointer
 * (RFC 6901) into the validated value. Validation never throws on hostile
 * input: whatever the value, the answer is a list of violations.
 *
 * Framework-free on purpose: the API layer, the policy loader and the CLI all
 * validate the same way.
 */
import { readFileSync } from 'node:fs';
// Named import: ajv is CommonJS, and Node's ESM loader exposes its `Ajv2020`
// named export, while the default import would be `module.exports` (which TS
// under NodeNext types as the module namespace, not the class).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
// ajv-formats has no named export. Its `module.exports` is the plugin function,
// which also carries itself as `.default`; `.default` is therefore the plugin
// under Node, under jest's ESM loader, and in TypeScript's NodeNext view alike.
import ajvFormats from 'ajv-formats';
import type { ErrorCode, ErrorEntry } from './errors.js';

/**
 * `schemas/` at the repository root. This module runs from `src/core/` (jest)
 * and from `dist/core/` (the build), both two levels below the root.
 */
const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);

/** Schema names are file names without `.schema.json`; the pattern keeps them inside SCHEMAS_DIR. */
const SCHEMA_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * At most this many violations are listed; more are summarised in one last
 * entry, so a megabyte of junk cannot turn into a megabyte-sized error list.
 */
export const MAX_REPORTED_VIOLATIONS = 100;

/**
 * Values larger than this many JSON values (objects, arrays, scalars) are
 * validated fail-fast and get only their first violation listed. Listing every
 * violation costs time per violation, and a request body of junk can hold
 * hundreds of thousands of them; real policies and requests are far smaller.
 */
export const MAX_EXHAUSTIVE_NODES = 10_000;

const TOO_LARGE_TO_LIST = `only the first violation is listed: the value is too large (over ${MAX_EXHAUSTIVE_NODES} JSON values) to list every one`;

/** Property names from the input are echoed in paths and messages cut to this length. */
const MAX_ECHOED_NAME = 128;

/** Schema keyword beside `pattern` giving the violation message in words. */
const PATTERN_MESSAGE = 'x-pattern-message';

/** Compiled validators of one schema: one listing every violation, one stopping at the first. */
interface SchemaValidators {
  exhaustive: ValidateFunction;
  failFast: ValidateFunction;
}

let instances: { exhaustive: Ajv2020; failFast: Ajv2020 } | undefined;
const validators = new Map<string, SchemaValidators>();

function schemaUrl(name: string): URL {
  if (!SCHEMA_NAME.test(name)) throw new Error(`invalid schema name ${JSON.stringify(name)}`);
  return new URL(`${name}.schema.json`, SCHEMAS_DIR);
}

/**
 * The JSON Schema `schemas/<name>.schema.json`, freshly parsed (the caller may
 * change it, e.g. to embed it in the OpenAPI document).
 */
export function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaUrl(name), 'utf8')) as Record<string, unknown>;
}

function createAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors,
    strict: true,
    // Claims paths mix strings, indexes and null: `type: [...]` is the plain way to say so.
    allowUnionTypes: true,
    // strictTuples flags every `prefixItems` followed by an `items` schema,
    // which is exactly how session.claims says "[query id, ...path]".
    strictTuples: false,
    // Gives each error its schema and parent schema: anyOf branch titles and
    // the properties an unknown property may have been meant to be.
    verbose: true,
  });
  ajvFormats.default(ajv);
  // Annotation only (an OpenAPI-compatible `x-` extension): the message for a
  // failed `pattern`, since a regular expression is a poor explanation.
  ajv.addKeyword({ keyword: PATTERN_MESSAGE, schemaType: 'string' });
  return ajv;
}

/** The compiled validators of a schema; compiled on first use, then cached. Throws if the schema is missing or invalid. */
function validatorsFor(name: string): SchemaValidators {
  let compiled = validators.get(name);
  if (!compiled) {
    instances ??= { exhaustive: createAjv(true), failFast: createAjv(false) };
    compiled = { exhaustive: compile(instances.exhaustive, name), failFast: compile(instances.failFast, name) };
    validators.set(name, compiled);
  }
  return compiled;
}

function compile(ajv: Ajv2020, name: string): ValidateFunction {
  const schema = loadSchema(name);
  try {
    return ajv.compile(schema);
  } catch (error) {
    // Ajv registers the schema before compiling it; unregister it so the error repeats rather than changes.
    if (typeof schema.$id === 'string') ajv.removeSchema(schema.$id);
    throw error;
  }
}

/**
 * Validates `value` against `schemas/<schemaName>.schema.json` and returns
 * every violation (an empty array when the value is valid), each carrying
 * `code`. Values over {@link MAX_EXHAUSTIVE_NODES} get their first violation
 * only. Throws only for a programming error: an unknown or invalid schema.
 */
export function validateWith(schemaName: string, value: unknown, code: ErrorCode = 'request.invalid'): ErrorEntry[] {
  const { exhaustive, failFast } = validatorsFor(schemaName);
  try {
    if (exceedsExhaustiveLimit(value)) {
      if (failFast(value)) return [];
      return [...toEntries(failFast.errors ?? [], code), { code, path: '', detail: TOO_LARGE_TO_LIST }];
    }
    if (exhaustive(value)) return [];
    return toEntries(exhaustive.errors ?? [], code);
  } catch {
    // Only values that are not JSON data get here (throwing getters, proxies).
    return [{ code, path: '', detail: 'must be JSON data' }];
  }
}

/** Whether `value` is too large for {@link validateWith} to list every violation (see {@link MAX_EXHAUSTIVE_NODES}). */
export function exceedsExhaustiveLimit(value: unknown): boolean {
  return hasMoreNodesThan(value, MAX_EXHAUSTIVE_NODES);
}

/** Whether `value` holds more than `limit` JSON values; stops counting there, so its cost is bounded by `limit`. */
function hasMoreNodesThan(value: unknown, limit: number): boolean {
  const pending: unknown[] = [value];
  let count = 0;
  while (pending.length > 0) {
    const node = pending.pop();
    if (++count > limit) return true;
    if (node === null || typeof node !== 'object') continue;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (count + pending.length + children.length > limit) return true;
    for (const child of children) pending.push(child);
  }
  return false;
}

/** Turns Ajv's errors into one entry per distinct violation, combinator noise collapsed. */
function toEntries(errors: ErrorObject[], code: ErrorCode): ErrorEntry[] {
  const branchErrors = collapseAlternatives(errors);
  const entries: ErrorEntry[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // A failed anyOf/oneOf is reported once, by its own error, not by each failed branch.
    if (branchErrors.inBranch.has(error)) continue;
    // Ajv follows each failed property name with a summary; the specific error says more.
    if (error.keyword === 'propertyNames') continue;
    const entry: ErrorEntry = { code, path: pointerOf(error), detail: describe(error, branchErrors.of.get(error) ?? []) };
    const key = `${entry.path}\u0000${entry.detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push(entry);
  }
  return capViolations(entries, code);
}

interface Alternatives {
  /** Errors raised inside a branch of a failed anyOf/oneOf. */
  inBranch: Set<ErrorObject>;
  /** The branch errors of each failed anyOf/oneOf. */
  of: Map<ErrorObject, ErrorObject[]>;
}

/**
 * Finds the errors raised inside the branches of failed anyOf/oneOf: those at
 * the combinator's place or below it, under its schema path. Indexed by
 * instance path, so a large hostile value costs linear time, not quadratic.
 */
function collapseAlternatives(errors: ErrorObject[]): Alternatives {
  const combinatorsAt = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') continue;
    const list = combinatorsAt.get(error.instancePath) ?? [];
    list.push(error);
    combinatorsAt.set(error.instancePath, list);
  }
  const result: Alternatives = { inBranch: new Set(), of: new Map() };
  if (combinatorsAt.size === 0) return result;
  for (const error of errors) {
    const parent = enclosingCombinator(error, combinatorsAt);
    if (!parent) continue;
    result.inBranch.add(error);
    const list = result.of.get(parent) ?? [];
    list.push(error);
    result.of.set(parent, list);
  }
  return result;
}

function enclosingCombinator(error: ErrorObject, combinatorsAt: Map<string, ErrorObject[]>): ErrorObject | undefined {
  // The error's own place and each ancestor: "/a/b/c", "/a/b", "/a", "".
  let place = error.instancePath;
  for (;;) {
    for (const combinator of combinatorsAt.get(place) ?? []) {
      if (combinator !== error && error.schemaPath.startsWith(`${combinator.schemaPath}/`)) return combinator;
    }
    if (place === '') return undefined;
    place = place.slice(0, place.lastIndexOf('/'));
  }
}

/**
 * The first {@link MAX_REPORTED_VIOLATIONS} entries, plus one entry saying how
 * many more there were. For callers adding violations of their own.
 */
export function capViolations(entries: ErrorEntry[], code: ErrorCode): ErrorEntry[] {
  if (entries.length <= MAX_REPORTED_VIOLATIONS) return entries;
  const omitted = entries.length - MAX_REPORTED_VIOLATIONS;
  return [...entries.slice(0, MAX_REPORTED_VIOLATIONS), { code, path: '', detail: `${omitted} more violations not listed` }];
}

function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  let name: unknown;
  if (error.keyword === 'required') name = params.missingProperty;
  else if (error.keyword === 'additionalProperties') name = params.additionalProperty;
  else if (error.keyword === 'unevaluatedProperties') name = params.unevaluatedProperty;
  else name = error.propertyName; // set on errors about a property's name (propertyNames)
  return typeof name === 'string' ? `${error.instancePath}/${escapePointer(cut(name))}` : error.instancePath;
}

/** RFC 6901 escaping of one reference token. */
function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON pointer (RFC 6901) of a location given as keys and indexes, e.g.
 * `/session/claims/a~1b`. Keys longer than 128 characters are cut (marked `…`):
 * a pointer is for a human to find the spot, and must not echo megabytes back.
 */
export function jsonPointer(tokens: ReadonlyArray<string | number>): string {
  return tokens.map((t) => `/${typeof t === 'number' ? t : escapePointer(cut(t))}`).join('');
}

function cut(text: string): string {
  return text.length > MAX_ECHOED_NAME ? `${text.slice(0, MAX_ECHOED_NAME)}…` : text;
}

function quote(text: string): string {
  return JSON.stringify(cut(text));
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A message a policy author understands without knowing JSON Schema. */
function describe(error: ErrorObject, branches: ErrorObject[]): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `missing required property ${quote(String(p.missingProperty))}`;
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(p.additionalProperty ?? p.unevaluatedProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const guess = closest(name, known);
      return `unknown property ${quote(name)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`;
    }
    case 'type': {
      const types = Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(',');
      return `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`;
    }
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map(show).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${plural(Number(p.limit), 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(Number(p.limit), 'character')} long`;
    case 'minItems':
      return `must have at least ${plural(Number(p.limit), 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(Number(p.limit), 'item')}`;
    case 'minProperties':
      return `must have at least ${plural(Number(p.limit), 'property', 'properties')}`;
    case 'maxProperties':
      return `must have at most ${plural(Number(p.limit), 'property', 'properties')}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)}`;
    case 'pattern': {
      const message = error.parentSchema?.[PATTERN_MESSAGE];
      return typeof message === 'string' ? message : `must match the pattern ${String(p.pattern)}`;
    }
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'anyOf':
    case 'oneOf':
      return describeAlternatives(error, branches);
    default:
      return error.message ?? `must satisfy ${error.keyword}`;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One message for a failed anyOf/oneOf: "must be A, or B, or C" from the
 * alternatives' `title`s, else from what each failed branch reported.
 */
function describeAlternatives(error: ErrorObject, branchErrors: ErrorObject[]): string {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'oneOf' && Array.isArray(p.passingSchemas)) {
    return `must match exactly one alternative, but matches ${p.passingSchemas.length}`;
  }
  const alternatives = Array.isArray(error.schema) ? (error.schema as unknown[]) : [];
  const titles = alternatives.map((a) => (a && typeof a === 'object' ? (a as { title?: unknown }).title : undefined));
  if (titles.length > 0 && titles.every((t): t is string => typeof t === 'string')) {
    return `must be ${titles.join(', or ')}`;
  }
  const reasons = new Set(branchErrors.slice(0, 20).map((e) => describe(e, [])));
  return reasons.size > 0 ? `must satisfy one of: ${[...reasons].join('; or ')}` : 'must match one of the allowed alternatives';
}

/** The known property an unknown one was probably meant to be: same letters ignoring case, or at most 2 edits away. */
function closest(name: string, candidates: string[]): string | undefined {
  if (name.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined || name.length < 3) return best;
  // A shortened name: `ttl` for `ttlSeconds` (too far for the edit distance) — when exactly one candidate starts with it.
  const extended = candidates.filter((candidate) => candidate.toLowerCase().startsWith(name.toLowerCase()));
  return extended.length === 1 ? extended[0] : undefined;
}

/** Levenshtein distance; inputs are short (≤ 64 characters, checked by the caller). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
