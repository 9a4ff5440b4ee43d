/** Bindings from wrangler.jsonc; vars arrive as strings. */
export interface Env {
  ARTIFACTS: R2Bucket;
  DB: D1Database;
  RATE_LIMITER: RateLimit;
  /** Secret; when unset every admin route answers 401. */
  ADMIN_TOKEN?: string;
  MAX_ADAPTER_BYTES?: string;
  MAX_BATCH_INPUTS?: string;
  ADAPTER_CACHE_BYTES?: string;
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
