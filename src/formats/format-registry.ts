import type { CredentialFormat, FormatHandler, ParseOutcome, ParseScope } from './format-handler.js';
import type { BindingKind } from './format-handler.js';
import { presentationMalformed } from './presentation-format.js';

/** A parsed presentation and the handler that parsed it (to verify its proofs). */
export type RecognisedPresentation = ParseOutcome & { handler?: FormatHandler };

/**
 * The presentation formats kparty knows, each answering for itself (see
 * format-handler.ts): the registry only asks each in turn whether it
 * recognises an input.
 */
export class FormatRegistry {
  readonly #handlers: readonly FormatHandler[];
  readonly #credentialFormats = new Map<string, CredentialFormat>();

  /** @throws Error when two handlers declare the same presentation format, or two definitions of one credential format (a wiring mistake). */
  constructor(handlers: readonly FormatHandler[]) {
    const presentationFormats = new Set<string>();
    for (const handler of handlers) {
      if (presentationFormats.has(handler.presentationFormat)) throw new Error(`Two format handlers registered for ${handler.presentationFormat}`);
      presentationFormats.add(handler.presentationFormat);
      for (const format of handler.credentialFormats) {
        // One credential format may travel in several presentation formats (vc+jwt: in a vp+jwt, or enveloped in an ldp_vp),
        // provided they share its one definition.
        const known = this.#credentialFormats.get(format.id);
        if (known !== undefined && known !== format) throw new Error(`Two format handlers registered for credential format ${format.id}`);
        this.#credentialFormats.set(format.id, format);
      }
    }
    this.#handlers = handlers;
  }

  /** Presentation format ids, in recognition order. */
  get presentationFormats(): string[] {
    return this.#handlers.map((h) => h.presentationFormat);
  }

  /** Every credential format a registered handler produces. */
  get credentialFormats(): CredentialFormat[] {
    return [...this.#credentialFormats.values()];
  }

  credentialFormat(id: string): CredentialFormat | undefined {
    return this.#credentialFormats.get(id);
  }

  /** Recognises and parses one presentation of a submission arriving under `binding`. */
  parse(input: unknown, scope: ParseScope, binding: BindingKind): RecognisedPresentation {
    const handler = this.#handlers.find((h) => h.recognises(input));
    if (!handler) {
      return {
        ok: false,
        failures: [presentationMalformed(`not a presentation kparty recognises (supported: ${this.presentationFormats.join(', ')})`, scope.path)],
      };
    }
    if (!handler.bindings.includes(binding)) {
      const detail =
        binding === 'oid4vp'
          ? `${handler.presentationFormat} presentations have no OpenID4VP 1.0 format identifier; present them through POST /v1/presentations/verify`
          : `${handler.presentationFormat} presentations are bound to an OpenID4VP session transcript; present them through OpenID4VP`;
      return { ok: false, failures: [{ code: 'presentation.format_unsupported', path: scope.path, detail }], handler };
    }
    return { ...handler.parse(input, scope), handler };
  }
}
