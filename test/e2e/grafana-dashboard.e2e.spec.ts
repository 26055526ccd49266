/**
 * docs/grafana/kparty-dashboard.json (issue 16 item 10): a Grafana dashboard
 * whose every query names only metrics the running service serves at
 * GET /metrics, so a renamed metric fails here instead of in a blank panel.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startKparty, type RunningKparty } from './harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const dashboard = JSON.parse(readFileSync(resolve(process.cwd(), 'docs', 'grafana', 'kparty-dashboard.json'), 'utf8')) as Json;
const targets = (dashboard.panels as Json[]).flatMap((panel) =>
  (panel.targets as Json[]).map((target) => ({ panel: panel.title as string, expr: target.expr as string })),
);

/** The series names a metric family exposes: histograms and summaries have suffixed series. */
function seriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', type] = match;
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

let kparty: RunningKparty;
let served: Set<string>;
beforeAll(async () => {
  kparty = await startKparty();
  const reply = await kparty.request('GET', '/metrics');
  expect(reply.status).toBe(200);
  served = seriesNames(reply.text);
});
afterAll(() => kparty?.stop());

describe('docs/grafana/kparty-dashboard.json', () => {
  it('covers decisions by outcome, failure codes, latency percentiles by route and outbound fetch errors', () => {
    const all = targets.map((t) => t.expr).join('\n');
    expect(all).toMatch(/sum by \(outcome\) \(rate\(kparty_verification_decisions_total/);
    expect(all).toMatch(/topk\(10, sum by \(code\)/);
    expect(all).toMatch(/histogram_quantile\(0\.99, sum by \(le, route\)/);
    expect(all).toMatch(/kparty_outbound_fetch_failures_total/);
  });

  it('names only metrics GET /metrics serves', () => {
    expect(targets.length).toBeGreaterThanOrEqual(6);
    for (const { panel, expr } of targets) {
      const names = [...expr.matchAll(/\b(kparty_[a-z0-9_]+)\b/g)].map((m) => m[1] as string);
      expect({ panel, names: names.length > 0 }).toEqual({ panel, names: true });
      for (const name of names) expect({ panel, name, served: served.has(name) }).toEqual({ panel, name, served: true });
    }
  });

  it('uses label names the metrics have', () => {
    const labels: Record<string, string[]> = {
      kparty_verification_decisions_total: ['outcome', 'instance'],
      kparty_verification_failed_checks_total: ['code', 'instance'],
      kparty_http_request_duration_seconds_bucket: ['le', 'route', 'status', 'method', 'instance'],
      kparty_http_request_duration_seconds_count: ['route', 'status', 'method', 'instance'],
      kparty_outbound_fetch_failures_total: ['reason', 'instance'],
    };
    for (const { panel, expr } of targets) {
      const metric = /\b(kparty_[a-z0-9_]+)\b/.exec(expr)?.[1] ?? '';
      const allowed = labels[metric] ?? ['instance'];
      const used = [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => (m[1] ?? '').split(',').map((s) => s.trim()));
      for (const label of used) expect({ panel, label, known: allowed.includes(label) }).toEqual({ panel, label, known: true });
    }
  });

  it('is a well-formed dashboard: unique panel ids, balanced queries, a Prometheus data source variable', () => {
    const ids = (dashboard.panels as Json[]).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { expr } of targets) {
      let depth = 0;
      for (const ch of expr) {
        depth += ch === '(' || ch === '[' || ch === '{' ? 1 : ch === ')' || ch === ']' || ch === '}' ? -1 : 0;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    }
    expect((dashboard.templating.list as Json[]).find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of dashboard.panels as Json[]) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.gridPos).toEqual({ x: expect.any(Number), y: expect.any(Number), w: expect.any(Number), h: expect.any(Number) });
    }
  });
});
