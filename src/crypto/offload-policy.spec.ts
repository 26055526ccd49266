import { describe, expect, it } from '@jest/globals';
import { LoopUtilization, OffloadPolicy, WorkInFlight } from './offload-policy.js';

/** A policy whose loop is always busy (utilisation 1) unless the test says otherwise. */
function policy(options: { idleProbes?: number; inlineRun?: number; busyLoop?: number; utilization?: () => number } = {}) {
  const work = new WorkInFlight();
  return { offload: new OffloadPolicy({ utilization: () => 1, ...options, work }), work };
}

/** An offloaded operation the test completes by hand. */
function deferred<T>(value: T) {
  let complete!: () => void;
  const promise = new Promise<T>((resolve) => (complete = () => resolve(value)));
  return { promise, complete };
}

/** Runs one operation inside one unit of work, alone; says where it ran. */
async function alone(offload: OffloadPolicy, work: WorkInFlight): Promise<'inline' | 'offloaded'> {
  const done = work.begin();
  let ran: 'inline' | 'offloaded' = 'offloaded';
  try {
    await offload.run(
      () => (ran = 'inline'),
      async () => 'offloaded' as const,
    );
  } finally {
    done();
  }
  return ran;
}

describe('WorkInFlight', () => {
  it('counts work begun and not ended, each end once', () => {
    const work = new WorkInFlight();
    const [a, b] = [work.begin(), work.begin()];
    expect(work.count).toBe(2);
    a();
    a();
    expect(work.count).toBe(1);
    b();
    expect(work.count).toBe(0);
  });
});

describe('OffloadPolicy', () => {
  it('offloads at first, runs inline after operations in a row met no other work, then probes again', async () => {
    const { offload, work } = policy({ idleProbes: 3, inlineRun: 4 });
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) seen.push(await alone(offload, work));
    expect(seen).toEqual(['offloaded', 'offloaded', 'offloaded', 'inline', 'inline', 'inline', 'inline', 'offloaded', 'offloaded', 'offloaded']);
    expect(offload.counts).toEqual({ inline: 4, offloaded: 6 });
  });

  it('keeps offloading while other work is in flight (concurrent verifications)', async () => {
    const { offload, work } = policy({ idleProbes: 2 });
    const other = work.begin();
    for (let i = 0; i < 20; i++) await alone(offload, work);
    other();
    expect(offload.counts).toEqual({ inline: 0, offloaded: 20 });
  });

  it('counts only work still in flight when the operation completes', async () => {
    const { offload, work } = policy({ idleProbes: 1 });
    const done = work.begin();
    const operation = deferred(true);
    const run = offload.run(
      () => true,
      () => operation.promise,
    );
    const other = work.begin();
    other();
    operation.complete();
    await run;
    done();
    expect(offload.inline).toBe(true);
  });

  it('passes results and failures through on both sides', async () => {
    const { offload } = policy({ idleProbes: 1, inlineRun: 1 });
    await expect(
      offload.run(
        () => 1,
        () => Promise.reject(new Error('pool')),
      ),
    ).rejects.toThrow('pool');
    expect(offload.inline).toBe(true);
    await expect(
      offload.run(
        () => {
          throw new Error('inline');
        },
        async () => 2,
      ),
    ).rejects.toThrow('inline');
    await expect(
      offload.run(
        () => 1,
        async () => 2,
      ),
    ).resolves.toBe(2);
  });

  it('runs inline while the event loop has time to spare, and offloads once it is busy', async () => {
    let utilization = 0.2;
    const { offload, work } = policy({ busyLoop: 0.75, utilization: () => utilization });
    const other = work.begin();
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push(await alone(offload, work));
    utilization = 0.9;
    for (let i = 0; i < 3; i++) seen.push(await alone(offload, work));
    utilization = 0.5;
    seen.push(await alone(offload, work));
    other();
    expect(seen).toEqual(['inline', 'inline', 'inline', 'offloaded', 'offloaded', 'offloaded', 'inline']);
    expect(offload.counts).toEqual({ inline: 4, offloaded: 3 });
  });

  it('busyLoop 0 leaves the choice to observed work alone', async () => {
    const { offload, work } = policy({ busyLoop: 0, utilization: () => 0 });
    const other = work.begin();
    for (let i = 0; i < 5; i++) await alone(offload, work);
    other();
    expect(offload.counts).toEqual({ inline: 0, offloaded: 5 });
  });
});

describe('LoopUtilization', () => {
  it('reads near 1 while the loop is kept busy and near 0 while it waits', async () => {
    const loop = new LoopUtilization(20);
    const spinUntil = performance.now() + 60;
    while (performance.now() < spinUntil) {
      // keep the loop busy for three windows
    }
    expect(loop.current).toBeGreaterThan(0.8);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(loop.current).toBeLessThan(0.5);
  });
});
