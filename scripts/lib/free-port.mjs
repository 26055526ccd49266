// A free loopback port: listen on port 0, read the port, close. Shared by the
// demo, the replicas script and the benchmark (test/e2e/harness.ts has the
// TypeScript twin for the test suite).
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
