/** What the HTTP API is given by boot: the service's dependencies plus a few of its own. */
import type { ServiceDeps } from '../service/index.ts';
import type { Logger } from '../shared/index.ts';
import type { ApiAuth } from './auth.ts';

export type ApiDeps = ServiceDeps & {
  /** Shown by /healthz and in the OpenAPI document. */
  version?: string;
  /** Throws when the engine cannot serve (boot passes a `select 1`); /healthz answers 503 then. */
  health?: () => Promise<void>;
  /** Where unexpected errors go; the client only ever sees a generic message. */
  logger?: Logger;
  /** API keys, JWTs and the start rate; absent: keys only, enforced on every non-public route. */
  auth?: ApiAuth;
  /** The dashboard's built files, served at /dashboard/; absent: dashboard/dist of this package; null: no dashboard. */
  dashboardDir?: string | null;
};
