/**
 * An open-loop load generator: requests are DUE at a fixed rate, whether or
 * not earlier ones have been answered, and each request's latency counts from
 * its due time — so a stall shows up in the latency of every request that
 * should have gone out during it (no coordinated omission). autocannon's
 * `overallRate` is not this: it sends each second's quota in a burst at the
 * start of the second.
 *
 * Lean on purpose: raw keep-alive HTTP/1.1 over `net` sockets, requests
 * pre-serialised, responses parsed only as far as status line and
 * Content-Length, so the client costs little of the cores it shares with the
 * server.
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One keep-alive connection that carries one request at a time. */
class Connection {
  constructor(host, port, onResponse, onError) {
    this.socket = connect({ host, port, noDelay: true });
    this.buffer = Buffer.alloc(0);
    this.busy = false;
    this.onResponse = onResponse;
    this.socket.on('data', (chunk) => this.#data(chunk));
    this.socket.on('error', (error) => onError(this, error));
    this.socket.on('close', () => {
      this.closed = true;
      if (this.busy) onError(this, new Error('connection closed'));
    });
  }

  ready() {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  send(raw) {
    this.busy = true;
    this.socket.write(raw);
  }

  #data(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('latin1');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) throw new Error(`open-loop client: a response without Content-Length: ${head.slice(0, 200)}`);
      const total = end + 4 + Number(length[1]);
      if (this.buffer.length < total) return;
      const status = Number(head.slice(9, 12));
      this.buffer = this.buffer.subarray(total);
      this.busy = false;
      this.onResponse(this, status);
    }
  }

  close() {
    this.socket.destroy();
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Sends every body once to `url` + `path`, the i-th due at start + i / rate.
 * @param {{ url: string, path: string, bodies: Buffer[], rate: number, connections?: number, maxSeconds?: number }} options
 */
export async function runOpenLoop({ url, path, bodies, rate, connections = 64, maxSeconds = 60 }) {
  const { hostname, port } = new URL(url);
  const raw = bodies.map((body) =>
    Buffer.concat([
      Buffer.from(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
      body,
    ]),
  );
  const latencies = [];
  const statuses = new Map();
  let errors = 0;
  let answered = 0;
  const dueOf = (i) => i / rate; // seconds after start
  const inFlight = new Map(); // connection → due time (ms)
  const idle = [];
  const waiting = []; // indexes due but not yet sent (no idle connection)
  let nextIndex = 0;
  let start = 0;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));

  const onResponse = (connection, status) => {
    const due = inFlight.get(connection);
    inFlight.delete(connection);
    latencies.push(performance.now() - due);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    answered++;
    release(connection);
  };
  const onError = (connection) => {
    if (inFlight.has(connection)) {
      inFlight.delete(connection);
      errors++;
      answered++;
    }
    if (answered === raw.length) finish();
  };
  const release = (connection) => {
    const index = waiting.shift();
    if (index !== undefined) dispatch(connection, index);
    else idle.push(connection);
    if (answered === raw.length) finish();
  };
  const dispatch = (connection, index) => {
    inFlight.set(connection, start + dueOf(index) * 1000);
    connection.send(raw[index]);
  };

  const pool = Array.from({ length: connections }, () => new Connection(hostname, Number(port), onResponse, onError));
  await Promise.all(pool.map((c) => c.ready()));
  idle.push(...pool);

  start = performance.now();
  const deadline = start + maxSeconds * 1000;
  const tick = () => {
    const elapsedS = (performance.now() - start) / 1000;
    while (nextIndex < raw.length && dueOf(nextIndex) <= elapsedS) {
      const connection = idle.pop();
      if (connection) dispatch(connection, nextIndex);
      else waiting.push(nextIndex);
      nextIndex++;
    }
    if (performance.now() > deadline) return finish();
    if (nextIndex < raw.length) setTimeout(tick, 1);
  };
  tick();
  await done;
  const elapsedS = (performance.now() - start) / 1000;
  for (const c of pool) c.close();
  const sorted = latencies.sort((a, b) => a - b);
  const ok = statuses.get(200) ?? 0;
  return {
    offeredPerSecond: rate,
    sent: nextIndex,
    answered,
    ok,
    non2xx: [...statuses].filter(([s]) => s < 200 || s > 299).reduce((sum, [, n]) => sum + n, 0),
    errors,
    unfinished: raw.length - answered,
    durationS: elapsedS,
    okPerSecond: ok / elapsedS,
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
    },
  };
}
