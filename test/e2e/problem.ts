import { expect } from '@jest/globals';
import type { Reply } from './harness.js';

/** Asserts an RFC 9457 problem response with the given status and stable code. */
export function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ type: `urn:kparty:problem:${code}`, status, title: expect.any(String), detail: expect.any(String) });
  // Nothing internal leaks: no stack frames, no library error names.
  expect(reply.text).not.toMatch(/\bat .+\.(js|ts):\d+|node_modules|SqliteError|TypeError|FST_ERR/);
}
