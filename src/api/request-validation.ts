import { KpartyError } from '../core/errors.js';
import { validateWith } from '../core/json-schema.js';

/**
 * Validates a request body (or, for a `*-query` schema, the query string)
 * against a schema in schemas/; every violation is listed in the 400.
 * `what` names the part of the request in the message when it is neither.
 */
export function requireValid<T>(schemaName: string, body: unknown, what?: string): T {
  const violations = validateWith(schemaName, body, 'request.invalid');
  if (violations.length > 0) {
    const part = what ?? (schemaName.endsWith('-query') ? 'the query string' : 'the request body');
    throw new KpartyError('request.invalid', `${part} has ${violations.length} violation(s)`, { errors: violations });
  }
  return body as T;
}
