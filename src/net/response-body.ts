import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { FetchError } from '../core/ports/fetcher.js';

/** The Accept-Encoding kparty sends: what {@link decoderFor} can undo. */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

/**
 * A decompressor for one Content-Encoding, `null` for none. Only a single
 * coding is accepted: stacked codings (`gzip, gzip`) multiply the expansion
 * of a decompression bomb and no legitimate server needs them.
 *
 * @throws FetchError `content_type` for anything else
 */
export function decoderFor(contentEncoding: string | undefined): Transform | null {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  switch (coding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new FetchError('content_type', 'unsupported content encoding');
  }
}

/**
 * Reads a response body, decompressing it, and stops as soon as more than
 * `maxBytes` arrive — counted on the wire AND after decompression — so
 * neither a huge body nor a small one that inflates to gigabytes (a
 * decompression bomb) can hold more than `maxBytes` (plus one zlib chunk,
 * 16 KiB) in memory. Exceeding the cap destroys the response, which closes
 * the connection.
 *
 * @throws FetchError `too_large`, `content_type` (unsupported encoding), `network`
 */
export function readResponseBody(response: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let decoder: Transform | null;
    try {
      decoder = decoderFor(response.headers['content-encoding']);
    } catch (error) {
      response.destroy();
      reject(error);
      return;
    }
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let decodedBytes = 0;
    let settled = false;
    const fail = (error: FetchError): void => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      response.destroy();
      reject(error);
    };
    const tooLarge = (): FetchError => new FetchError('too_large', `the response body exceeds ${maxBytes} bytes`);
    const network = (cause: unknown): FetchError => new FetchError('network', 'the response body could not be read', { cause });

    const output = decoder ?? response;
    output.on('data', (chunk: Buffer) => {
      if (settled) return;
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) return fail(tooLarge());
      chunks.push(chunk);
    });
    output.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(new Uint8Array(Buffer.concat(chunks, decodedBytes)));
    });
    // `on`, not `once`: a destroyed zlib stream may report more than one error; every one must have a listener.
    output.on('error', (cause) => fail(network(cause)));

    if (decoder) {
      const inflate = decoder;
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        wireBytes += chunk.length;
        if (wireBytes > maxBytes) return fail(tooLarge());
        if (!inflate.write(chunk)) {
          response.pause();
          inflate.once('drain', () => response.resume());
        }
      });
      response.once('end', () => {
        if (!settled) inflate.end();
      });
      response.on('error', (cause) => fail(network(cause)));
    }
    // A connection closed before the end of the body is not a complete document.
    response.once('aborted', () => fail(network(new Error('connection closed mid-body'))));
  });
}
