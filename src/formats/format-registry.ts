import type { CheckFailure } from '../core/model/check.js';
import type { PresentationFormat } from '../core/model/presentation.js';
import type { ParseOutcome, PresentationFormatHandler } from './presentation-format.js';
import { presentationMalformed } from './presentation-format.js';

/** Inputs kparty recognises but cannot verify yet, so the answer names the format rather than "malformed". */
function unsupportedFormat(input: unknown): CheckFailure | null {
  if (typeof input === 'string' && input.includes('~')) {
    return { code: 'presentation.format_unsupported', path: 'presentation', detail: 'SD-JWT VC presentations (dc+sd-jwt) are not supported yet' };
  }
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    return { code: 'presentation.format_unsupported', path: 'presentation', detail: 'Data Integrity presentations (ldp_vp) are not supported yet' };
  }
  return null;
}

/** Presentation formats, keyed by what each handler declares it recognises (ARCHITECTURE rule 4). */
export class PresentationFormatRegistry {
  private readonly handlers: PresentationFormatHandler[];

  constructor(handlers: PresentationFormatHandler[]) {
    this.handlers = handlers;
  }

  get formats(): PresentationFormat[] {
    return this.handlers.map((h) => h.format);
  }

  /**
   * Every credential format the handlers declare; undefined when some handler
   * declares none (then nobody can say a format is missing).
   */
  get credentialFormats(): ReadonlySet<string> | undefined {
    if (this.handlers.some((h) => h.credentialFormats === undefined)) return undefined;
    return new Set(this.handlers.flatMap((h) => h.credentialFormats ?? []));
  }

  handlerFor(format: PresentationFormat): PresentationFormatHandler | undefined {
    return this.handlers.find((h) => h.format === format);
  }

  parse(input: unknown): ParseOutcome & { handler?: PresentationFormatHandler } {
    const handler = this.handlers.find((h) => h.recognises(input));
    if (handler) return { ...handler.parse(input), handler };
    const unsupported = unsupportedFormat(input);
    if (unsupported) return { ok: false, failures: [unsupported] };
    return {
      ok: false,
      failures: [presentationMalformed(`not a presentation kparty recognises (supported: ${this.formats.join(', ')})`)],
    };
  }
}
