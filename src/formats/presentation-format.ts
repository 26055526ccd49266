import type { CheckFailure } from '../core/model/check.js';
import type { ParsedCredential, ParsedPresentation, PresentationFormat } from '../core/model/presentation.js';

/**
 * Most credentials one presentation may carry. Every credential costs a DID
 * resolution and a signature check before the policy is even read, so an
 * unbounded list is a denial-of-service lever; 20 is also the policy schema's
 * maximum number of credential queries.
 */
export const MAX_CREDENTIALS_PER_PRESENTATION = 20;

export type ParseOutcome =
  | {
      ok: true;
      presentation: ParsedPresentation;
      /** Credentials that could not be parsed; the others are in `presentation.credentials`. */
      failures: CheckFailure[];
    }
  | { ok: false; failures: CheckFailure[] };

/** What a format handler needs to know about what a JWS must say of its type. */
export interface TypExpectation {
  /** Accepted `typ` values of the presentation's JWS header; undefined: any or none. */
  presentation?: string[];
  credential?: string[];
}

/**
 * A presentation format (ARCHITECTURE rule 4): it recognises its inputs and
 * turns them into the format-neutral model. Parsing verifies nothing.
 */
export interface PresentationFormatHandler {
  readonly format: PresentationFormat;
  /** Whether `input` looks like this format (cheap: header and top-level shape only). */
  recognises(input: unknown): boolean;
  parse(input: unknown): ParseOutcome;
  /** The JOSE `typ` values signatures must carry for this format. */
  readonly typ: TypExpectation;
  /** The credential formats (policy `format`) this presentation format carries; policies asking for others are refused. */
  readonly credentialFormats?: readonly string[];
}

/** Shorthand for a failure of one credential. */
export function credentialFailure(credential: Pick<ParsedCredential, 'path'> | string, detail: string): CheckFailure {
  return { code: 'credential.malformed', path: typeof credential === 'string' ? credential : credential.path, detail };
}

export function presentationMalformed(detail: string): CheckFailure {
  return { code: 'presentation.malformed', path: 'presentation', detail };
}
