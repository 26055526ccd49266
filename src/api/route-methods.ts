import type { FastifyInstance } from 'fastify';

/**
 * The methods each route answers, recorded as Fastify registers routes, so a
 * request with the wrong method gets 405 and `Allow` (RFC 9110 §15.5.6) rather
 * than the 404 Fastify's router gives for a path it knows under other methods.
 */
interface Route {
  pattern: RegExp;
  methods: Set<string>;
}

const tables = new WeakMap<FastifyInstance, Map<string, Route>>();

/** `/v1/admin/policies/:id` → a RegExp for concrete paths; `*` matches the rest of the path. */
function compile(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** Called from Fastify's onRoute hook. */
export function recordRoute(instance: FastifyInstance, method: string | readonly string[], url: string): void {
  let table = tables.get(instance);
  if (!table) tables.set(instance, (table = new Map()));
  const route = table.get(url) ?? { pattern: compile(url), methods: new Set<string>() };
  for (const m of typeof method === 'string' ? [method] : method) route.methods.add(m.toUpperCase());
  table.set(url, route);
}

/** The methods some route answers at this concrete path (sorted); empty when no route has the path. */
export function allowedMethods(instance: FastifyInstance, path: string): string[] {
  const methods = new Set<string>();
  for (const route of tables.get(instance)?.values() ?? []) {
    if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
  }
  return [...methods].sort();
}
