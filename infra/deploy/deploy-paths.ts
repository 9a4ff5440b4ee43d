import path from 'node:path';
import { graftHome, PROJECT_ROOT } from '../../trainer/paths';

export const deployPaths = () => {
  const dir = path.join(graftHome(), 'deploy');
  return {
    dir,
    /** Generated from wrangler.jsonc with the account's ids; never committed. */
    config: path.join(dir, 'wrangler.json'),
    /** What earlier deploys did (database id, uploaded objects), so a re-deploy skips them. */
    state: path.join(dir, 'state.json'),
    adminToken: path.join(dir, 'admin-token'),
    objects: path.join(dir, 'objects'),
    bundle: path.join(dir, 'dist'),
    committedConfig: path.join(PROJECT_ROOT, 'wrangler.jsonc'),
  };
};
