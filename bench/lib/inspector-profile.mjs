/**
 * CPU-profiles one stretch of code in this process through the inspector
 * protocol — the same V8 sampling profiler as `node --cpu-prof`, written in
 * the same .cpuprofile format, but covering only the measured work (not
 * module loading or pre-signing).
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

function post(session, method, params = {}) {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Runs `work` under the profiler and writes the profile to `file`; returns what `work` returned. */
export async function profiled(file, work, { samplingIntervalUs = 200 } = {}) {
  const session = new Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await post(session, 'Profiler.start');
    const result = await work();
    const { profile } = await post(session, 'Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    return result;
  } finally {
    session.disconnect();
  }
}
