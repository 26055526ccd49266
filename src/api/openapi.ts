import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { loadSchema } from '../core/json-schema.js';
import { finishOpenApiDocument } from './openapi-document.js';

/** Request-body schemas from schemas/, published as OpenAPI components under these names. */
const REQUEST_SCHEMAS = {
  PresentationPolicy: 'presentation-policy',
  ChallengeRequest: 'challenge-request',
  RelyingPartyRequest: 'relying-party-request',
  RelyingPartyChange: 'relying-party-change',
  VerifyPresentationRequest: 'verify-request',
  TokenExchangeRequest: 'token-request',
  SessionTokenRequest: 'session-token-request',
  Oid4vpRequest: 'oid4vp-request',
  VcApiVerifyCredentialRequest: 'vc-api-verify-credential-request',
  VcApiVerifyPresentationRequest: 'vc-api-verify-presentation-request',
  SubjectRevocationRequest: 'subject-revocation-request',
} as const;

/** Builds the OpenAPI 3.1 document from the controllers plus the JSON Schemas in schemas/. */
export function buildOpenApiDocument(app: INestApplication, issuer: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('kparty')
    .setDescription(
      'Verifier service for decentralized identity: wallets present Verifiable Credentials, kparty verifies them ' +
        "against a relying party's presentation policy and issues a short-lived RFC 9068 session token. " +
        'Errors are RFC 9457 problem details with a stable `code`.',
    )
    .setVersion('1')
    .addServer(issuer)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Operator key or relying-party API key' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = ((document.components ??= {}).schemas ??= {});
  for (const [component, file] of Object.entries(REQUEST_SCHEMAS)) {
    const { $schema: _dialect, ...schema } = loadSchema(file) as Record<string, unknown>;
    schemas[component] = schema;
  }
  return finishOpenApiDocument(document);
}

export function mountOpenApi(app: INestApplication, issuer: string): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, issuer), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
