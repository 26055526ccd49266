import type { ChildProcess } from 'node:child_process';

export const DEFAULT_DATABASE_URL: string;
export const DEFAULT_REDIS_URL: string;

export interface Replica {
  index: number;
  port: number;
  baseUrl: string;
  pid: number | undefined;
  process: ChildProcess;
  /** The last 100 kB the process printed. */
  output(): string;
  /** SIGTERM (the process drains), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface ReplicaSetOptions {
  count?: number;
  databaseUrl?: string;
  redisUrl?: string;
  /** A fresh schema and Redis prefix, removed by stop(); default true. */
  fresh?: boolean;
  env?: Record<string, string>;
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export interface StartedReplicas {
  processes: Replica[];
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  adminKey: string;
  issuer: string;
  description: string;
  stop(): Promise<void>;
}

export function startReplicas(options?: ReplicaSetOptions): Promise<StartedReplicas>;
