import { compactDecrypt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { KpartyError } from '../core/errors.js';
import type { ResponseEncryptionKey } from '../core/model/oid4vp-request.js';
import type { SecretSeal } from './secret-seal.js';

/** Longest compact JWE accepted before any decoding (the response body cap applies first; this is the JWE's own). */
export const MAX_RESPONSE_JWE_LENGTH = 1_048_576;

const invalid = (detail: string, cause?: unknown): KpartyError => new KpartyError('oid4vp.response_invalid', detail, cause === undefined ? {} : { cause });

/**
 * Decrypts a direct_post.jwt authorization response (OpenID4VP 1.0 §8.3):
 * a compact JWE, ECDH-ES (direct key agreement) to THIS request's ephemeral
 * P-256 key, A128GCM or A256GCM. Another key (`kid` or a failed unwrap),
 * another algorithm, a nested or signed-only response, or a payload that is
 * not a JSON object is refused with `oid4vp.response_invalid`.
 */
export async function decryptAuthorizationResponse(jwe: string, key: ResponseEncryptionKey, seal: SecretSeal): Promise<Record<string, unknown>> {
  if (jwe.length > MAX_RESPONSE_JWE_LENGTH) throw invalid('the response JWE is too large');
  if (jwe.split('.').length !== 5) throw invalid('response must be a compact JWE (five parts)');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwe);
  } catch (error) {
    throw invalid('the JWE protected header cannot be read', error);
  }
  if (header.alg !== 'ECDH-ES') throw invalid(`the JWE alg must be ECDH-ES, got ${JSON.stringify(header.alg)}`);
  if (header.enc !== 'A128GCM' && header.enc !== 'A256GCM') throw invalid(`the JWE enc must be A128GCM or A256GCM, got ${JSON.stringify(header.enc)}`);
  if (header.kid !== undefined && header.kid !== key.publicJwk.kid) throw invalid("the response is encrypted to another key than this request's");
  if (header.zip !== undefined) throw invalid('compressed JWE payloads are not accepted');
  let plaintext: Uint8Array;
  try {
    const privateKey = await importJWK(JSON.parse(seal.open(key.sealedPrivateJwk)) as JWK, 'ECDH-ES');
    ({ plaintext } = await compactDecrypt(jwe, privateKey, {
      keyManagementAlgorithms: ['ECDH-ES'],
      contentEncryptionAlgorithms: ['A128GCM', 'A256GCM'],
    }));
  } catch (error) {
    throw invalid("the response cannot be decrypted with this request's key", error);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch (error) {
    throw invalid('the decrypted response is not JSON (a signed-then-encrypted response is not accepted)', error);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw invalid('the decrypted response must be a JSON object');
  return payload as Record<string, unknown>;
}
