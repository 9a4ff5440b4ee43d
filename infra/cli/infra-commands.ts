import * as help from '../commands/help';
import type { Command } from './main';
import { lazy } from './lazy-command';

/** Commands that talk to a running platform or deploy it (push, predict, tenants, keys, …). */
export const COMMANDS: Record<string, Command> = {
  start: lazy(help.START_HELP, () => import('../commands/start'), 'startCommand'),
  push: lazy(help.PUSH_HELP, () => import('../commands/push'), 'pushCommand'),
  predict: lazy(help.PREDICT_HELP, () => import('../commands/predict'), 'predictCommand'),
  'tenants create': lazy(help.TENANTS_CREATE_HELP, () => import('../commands/tenants'), 'tenantsCreateCommand'),
  'keys create': lazy(help.KEYS_CREATE_HELP, () => import('../commands/keys'), 'keysCreateCommand'),
  'keys revoke': lazy(help.KEYS_REVOKE_HELP, () => import('../commands/keys'), 'keysRevokeCommand'),
  'adapters list': lazy(help.ADAPTERS_LIST_HELP, () => import('../commands/adapters'), 'adaptersListCommand'),
  'adapters show': lazy(help.ADAPTERS_SHOW_HELP, () => import('../commands/adapters'), 'adaptersShowCommand'),
  'adapters activate': lazy(help.ADAPTERS_ACTIVATE_HELP, () => import('../commands/adapters'), 'adaptersActivateCommand'),
  'adapters delete': lazy(help.ADAPTERS_DELETE_HELP, () => import('../commands/adapters'), 'adaptersDeleteCommand'),
  deploy: lazy(help.DEPLOY_HELP, () => import('../commands/deploy'), 'deployCommand'),
};
