import { API_LIMITS } from '../../core/schemas/api';
import { DEFAULT_PORT, LOCAL_HOST } from '../local/local-paths';

// Help lives apart from the commands so `graft --help` and dispatch load none of their
// dependencies (AWS SDK, wrangler, Miniflare); each command module is imported only when run.

export const CLIENT_FLAGS_HELP = `  --endpoint <url>       edge to talk to (else GRAFT_ENDPOINT, else .graft/local.json)
  --api-key <key>        tenant API key (else GRAFT_API_KEY, else the demo key in .graft/local.json)
  --admin-token <token>  admin token (else GRAFT_ADMIN_TOKEN, else .graft/local.json)
  --json                 print the response as JSON`;

export const ADAPTERS_LIST_HELP = `graft adapters list [--json]
  Lists your adapters with their live and latest versions.
${CLIENT_FLAGS_HELP}`;

export const ADAPTERS_SHOW_HELP = `graft adapters show <name> [--json]
  Versions, live version, labels and validation metrics of one adapter.
${CLIENT_FLAGS_HELP}`;

export const ADAPTERS_ACTIVATE_HELP = `graft adapters activate <name> --version N [--json]
  Makes a version live: promote a stored one or roll back.
${CLIENT_FLAGS_HELP}`;

export const ADAPTERS_DELETE_HELP = `graft adapters delete <name> [--json]
  Stops serving an adapter at once.
${CLIENT_FLAGS_HELP}`;

export const DEPLOY_HELP = `graft deploy [--dry-run] [--json]   (npm run deploy [-- --dry-run])
  Deploys to Cloudflare: creates or reuses the R2 bucket and D1 database named in wrangler.jsonc,
  applies migrations, uploads backbones, deploys the worker and sets the ADMIN_TOKEN secret
  (GRAFT_ADMIN_TOKEN, else generated once). Needs CLOUDFLARE_API_TOKEN or \`wrangler login\`.
  --dry-run   no account needed: bundles the worker, checks its size and the backbones against
              Cloudflare's limits, and prints every step a deploy would run`;

export const KEYS_CREATE_HELP = `graft keys create --tenant <t> [--label <text>] [--json]
  Issues an API key for a tenant (admin). The key is shown only once: store it now.
${CLIENT_FLAGS_HELP}`;

export const KEYS_REVOKE_HELP = `graft keys revoke --tenant <t> <key id> [--json]
  Revokes an API key (admin); requests with it answer 401 within seconds.
${CLIENT_FLAGS_HELP}`;

export const PREDICT_HELP = `graft predict --adapter <n> <input…> [--version N] [--top-k K] [--json]
  Classifies each input with the live (or a pinned) version; "-" reads one input per line from stdin.
  An input that is a JPEG or PNG file is sent as an image (image adapters); texts and images do not mix.
  Batches larger than the edge's limit (${API_LIMITS.maxBatchInputs} texts, ${API_LIMITS.maxImagesPerRequest} images, ${API_LIMITS.maxBodyBytes / 1024 / 1024} MiB) are split into several requests.
${CLIENT_FLAGS_HELP}`;

export const PUSH_HELP = `graft push <adapter dir|s3://bucket/prefix> [--name <n>] [--no-activate] [--json]
  Uploads an adapter written by graft train as a new version; it goes live unless --no-activate.
  --name <n>             adapter name at the edge (default: the manifest's name)
  --no-activate          store the version without making it live
  --s3-endpoint <url>    S3-compatible endpoint (R2, MinIO) for an s3:// source
${CLIENT_FLAGS_HELP}`;

export const START_HELP = `graft start [--port ${DEFAULT_PORT}] [--host ${LOCAL_HOST}]   (npm start)
  Runs the whole platform locally: builds missing backbones, provisions local D1 and R2 under
  .graft/state, serves the edge with wrangler dev on workerd, and creates a demo tenant with a
  trained "spam" adapter. Writes .graft/local.json for the CLI. Ctrl-C stops everything.`;

export const TENANTS_CREATE_HELP = `graft tenants create <name> [--json]
  Provisions a tenant (admin). Then issue it a key: graft keys create --tenant <name>
${CLIENT_FLAGS_HELP}`;
