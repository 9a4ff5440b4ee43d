/** Bindings from wrangler.jsonc; vars arrive as strings. */
export interface Env {
  ARTIFACTS: R2Bucket;
  DB: D1Database;
  RATE_LIMITER: RateLimit;
  /** Failed authentications per client address (functions/auth/auth-failures.ts). */
  AUTH_FAILURES: RateLimit;
  /** Secret; when unset every admin route answers 401. */
  ADMIN_TOKEN?: string;
  MAX_ADAPTER_BYTES?: string;
  MAX_BATCH_INPUTS?: string;
  ADAPTER_CACHE_BYTES?: string;
  /** Lower the run deadline and the per-tenant quotas (functions/limits.ts). */
  RUN_DEADLINE_MS?: string;
  MAX_ADAPTERS_PER_TENANT?: string;
  MAX_VERSIONS_PER_ADAPTER?: string;
  MAX_TENANT_STORED_BYTES?: string;
  /** Lower the orphan collector's page size and pages per run (functions/limits.ts). */
  ORPHAN_LIST_KEYS?: string;
  ORPHAN_PAGES_PER_RUN?: string;
}

/** What middleware hands to handlers. */
export interface Variables {
  tenant: string;
  keyId: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: Variables;
}
