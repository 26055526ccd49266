/** Small numeric helpers for the benchmark. */

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Operations per second of `count` operations taking `ms` milliseconds. */
export const perSecond = (count, ms) => (ms > 0 ? (count * 1000) / ms : 0);

/** A whole number with thousands separators, e.g. 12,345. */
export const whole = (value) => Math.round(value).toLocaleString('en-US');

/** A ratio like 8.4×. */
export const times = (value) => `${value.toFixed(1)}×`;

export const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Resolves after `ms`. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
