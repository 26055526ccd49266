import { KpartyError } from '../core/errors.js';
import { validateWith } from '../core/json-schema.js';

/** Validates a request body against a schema in schemas/; every violation is listed in the 400. */
export function requireValid<T>(schemaName: string, body: unknown): T {
  const violations = validateWith(schemaName, body, 'request.invalid');
  if (violations.length > 0) {
    throw new KpartyError('request.invalid', `the request body has ${violations.length} violation(s)`, { errors: violations });
  }
  return body as T;
}
