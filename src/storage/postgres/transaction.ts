import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it
 * resolves, ROLLBACK when it throws (and the error is rethrown).
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      // The connection itself failed: do not hand it back to the pool for reuse.
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}
