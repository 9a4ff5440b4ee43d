import path from 'node:path';
import { graftHome, PROJECT_ROOT } from '../../trainer/paths';

/** Where `npm start` keeps things, all under GRAFT_HOME (default `.graft/`), never in the repo proper. */
export const localPaths = () => {
  const home = graftHome();
  return {
    home,
    /** `--persist-to` of every wrangler command: D1 and R2 live under `<state>/v3/`. */
    state: path.join(home, 'state'),
    /** What the state was last provisioned with; lets a second start skip the checks. */
    stateStamp: path.join(home, 'state', 'graft-provisioned.json'),
    /** The local edge's secrets, handed to `wrangler dev --env-file`. */
    devVars: path.join(home, 'dev.vars'),
    demo: path.join(home, 'demo'),
    wranglerConfig: path.join(PROJECT_ROOT, 'wrangler.jsonc'),
    migrations: path.join(PROJECT_ROOT, 'functions', 'migrations'),
  };
};

export const DEFAULT_PORT = 8787;
export const LOCAL_HOST = '127.0.0.1';
