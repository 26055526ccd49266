/**
 * Orders strings by UTF-16 code units — not `localeCompare`, whose order
 * depends on the runtime's ICU data. For the ASCII ids kparty allows this is
 * the same order as SQLite's BINARY collation and PostgreSQL's "C" collation.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
