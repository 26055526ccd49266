/**
 * The formats kparty verifies, in the order they are asked to recognise an
 * input. Adding a format is adding its folder under src/formats/ and its
 * module here (docs/architecture.md "Format handlers").
 */
import type { CredentialFormat, FormatModule, FormatServices } from './format-handler.js';
import { FormatRegistry } from './format-registry.js';
import { jwtVcModule } from './jwt-vc/jwt-vp-format.js';
import { mdocModule } from './mdoc/mdoc-handler.js';
import { dataIntegrityModule } from './data-integrity/ldp-format.js';
import { sdJwtVcModule } from './sd-jwt-vc/sd-jwt-vc-format.js';
import { vcJoseModule } from './vc-jose/vp-jwt-format.js';

export const FORMAT_MODULES: readonly FormatModule[] = [jwtVcModule, vcJoseModule, sdJwtVcModule, mdocModule, dataIntegrityModule];

const CREDENTIAL_FORMATS = new Map<string, CredentialFormat>(FORMAT_MODULES.flatMap((m) => m.credentialFormats.map((f) => [f.id, f] as const)));

/** The registered credential format with this policy `format` id. */
export function credentialFormat(id: string): CredentialFormat | undefined {
  return CREDENTIAL_FORMATS.get(id);
}

/** Every registered credential format. */
export function credentialFormats(): CredentialFormat[] {
  return [...CREDENTIAL_FORMATS.values()];
}

/** The format registry of the service, each handler built with the services it needs. */
export function createFormatRegistry(services: FormatServices, modules: readonly FormatModule[] = FORMAT_MODULES): FormatRegistry {
  return new FormatRegistry(modules.map((m) => m.createHandler(services)));
}
