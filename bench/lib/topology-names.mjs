/** How the report names each topology of bench/lib/topologies.mjs (kept apart: the report loads no service code). */
export const TOPOLOGY_NAMES = {
  'sqlite-1': '1 process, SQLite',
  'pg-redis-1': '1 process, PostgreSQL + Redis',
  'pg-redis-2': '2 processes, PostgreSQL + Redis',
};
