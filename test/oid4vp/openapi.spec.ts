/**
 * The OpenAPI document describes the OpenID4VP endpoints, and it is a valid
 * OpenAPI 3.1 document per @seriousme/openapi-schema-validator (not kparty's code).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { pino } from 'pino';
import { createApp } from '../../src/api/create-app.js';
import { buildOpenApiDocument } from '../../src/api/openapi.js';
import { loadConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { createKparty, type Kparty } from '../../src/kparty.js';
import { createMemoryStorage } from '../../src/storage/memory/index.js';

describe('OpenAPI description of the OpenID4VP endpoints', () => {
  let kparty: Kparty;
  let document: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    kparty = await createKparty(loadConfig({ LOG_LEVEL: 'silent', KPARTY_ADMIN_KEY: 'x'.repeat(40) }), {
      logger: silentLogger,
      storage: createMemoryStorage(),
    });
    const app = await createApp(kparty, pino({ level: 'silent' }));
    document = JSON.parse(JSON.stringify(buildOpenApiDocument(app, kparty.config.issuer))) as Record<string, unknown>;
    await app.close();
  });
  afterAll(async () => kparty.close());

  it('lists the relying-party, wallet and page endpoints with the request schema', () => {
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/oid4vp/requests',
        '/v1/oid4vp/requests/{id}',
        '/v1/oid4vp/request-objects/{id}',
        '/v1/oid4vp/responses/{id}',
        '/oid4vp/{id}',
        '/oid4vp/{id}/qr.svg',
        '/oid4vp/{id}/status',
        '/.well-known/did.json',
        '/v1/admin/oid4vp/keys/rotate',
      ]),
    );
    expect(Object.keys(document.paths['/v1/oid4vp/requests/{id}'])).toEqual(expect.arrayContaining(['get', 'delete']));
    expect(document.components.schemas.Oid4vpRequest.required).toEqual(['policy']);
    expect(document.paths['/v1/oid4vp/responses/{id}'].post.responses['410']).toBeDefined();
  });

  it('the OpenID4VP part is a valid OpenAPI 3.1 document', async () => {
    // Only this area's paths: other endpoints' descriptions are their owners' to validate.
    const ours = Object.fromEntries(Object.entries(document.paths).filter(([path]) => /oid4vp|did\.json/.test(path)));
    const result = await new Validator().validate({ ...document, paths: ours } as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
