/** What the HTTP API is given by boot: the service's dependencies plus a few of its own. */
import type { ServiceDeps } from '../service/index.ts';
import type { Logger } from '../shared/index.ts';
import type { Registry } from 'prom-client';
import type { ApiAuth } from './auth.ts';

/** One readiness check: passed, or what is wrong. */
export interface ReadinessCheck {
  ok: boolean;
  detail?: string;
}

/** What /readyz reports: ready when every check passed. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, ReadinessCheck>;
}

export type ApiDeps = ServiceDeps & {
  /** Shown by /healthz and in the OpenAPI document. */
  version?: string;
  /** Whether the process can do its work (database, schema, LISTEN); /readyz answers 503 naming the failing checks. Absent: always ready. */
  readiness?: () => Promise<Readiness>;
  /** The engine's own metrics (runtime, queue, pool), shown by /metrics after the HTTP ones. */
  metrics?: Registry;
  /** Where unexpected errors go; the client only ever sees a generic message. */
  logger?: Logger;
  /** API keys, JWTs and the start rate; absent: keys only, enforced on every non-public route. */
  auth?: ApiAuth;
  /** The dashboard's built files, served at /dashboard/; absent: dashboard/dist of this package; null: no dashboard. */
  dashboardDir?: string | null;
};
