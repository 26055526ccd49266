/**
 * Issue 11 finding 8: inbound timeouts. A client on loopback that drips a body
 * one byte at a time, or never finishes its headers, loses its connection
 * within the configured limit instead of holding it for minutes.
 *
 * Regression: on the commit before, Node's defaults applied (requestTimeout
 * 300 s, headers 60 s checked every 30 s): the drip below kept its connection
 * for the whole test.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { startInProcess, type InProcessKparty } from '../support/in-process-app.js';

let kp: InProcessKparty;
let port: number;

beforeAll(async () => {
  kp = await startInProcess({
    env: {
      KPARTY_HTTP_REQUEST_TIMEOUT_MS: '1500',
      KPARTY_HTTP_HEADERS_TIMEOUT_MS: '1000',
      KPARTY_HTTP_IDLE_TIMEOUT_MS: '2000',
      KPARTY_HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
    },
  });
  port = Number(new URL(kp.baseUrl).port);
});

afterAll(async () => {
  await kp.close();
});

/** Opens a raw connection, writes `start`, then one byte every `everyMs`; resolves with how long the server kept it and what it answered. */
function slowClient(start: string, everyMs: number, giveUpMs: number): Promise<{ heldMs: number; answer: string }> {
  return new Promise((resolve) => {
    const began = Date.now();
    let answer = '';
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(start));
    const drip = setInterval(() => socket.writable && socket.write('a'), everyMs);
    const done = (): void => {
      clearInterval(drip);
      clearTimeout(limit);
      socket.destroy();
      resolve({ heldMs: Date.now() - began, answer });
    };
    const limit = setTimeout(done, giveUpMs);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', done);
    socket.on('error', done);
  });
}

describe('inbound timeouts', () => {
  it('cuts a body dripped one byte every 200 ms at KPARTY_HTTP_REQUEST_TIMEOUT_MS (408 or closed), not after the whole body', async () => {
    const { heldMs, answer } = await slowClient(
      'POST /v1/presentations/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"policy":"',
      200,
      10_000,
    );
    expect(heldMs).toBeLessThan(4000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('cuts headers that never end at KPARTY_HTTP_HEADERS_TIMEOUT_MS', async () => {
    const { heldMs } = await slowClient('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ', 200, 10_000);
    expect(heldMs).toBeLessThan(3500);
  });

  it('closes an idle keep-alive connection after KPARTY_HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const { heldMs, answer } = await slowClient('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 60_000, 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(heldMs).toBeLessThan(3000);
  });
});
