import { ADAPTERS_ACTIVATE_HELP, ADAPTERS_DELETE_HELP, ADAPTERS_LIST_HELP, ADAPTERS_SHOW_HELP, adaptersActivateCommand, adaptersDeleteCommand, adaptersListCommand, adaptersShowCommand } from '../commands/adapters';
import { DEPLOY_HELP, deployCommand } from '../commands/deploy';
import { KEYS_CREATE_HELP, KEYS_REVOKE_HELP, keysCreateCommand, keysRevokeCommand } from '../commands/keys';
import { PREDICT_HELP, predictCommand } from '../commands/predict';
import { PUSH_HELP, pushCommand } from '../commands/push';
import { START_HELP, startCommand } from '../commands/start';
import { TENANTS_CREATE_HELP, tenantsCreateCommand } from '../commands/tenants';
import type { Command } from './main';

/** Commands that talk to a running platform or deploy it (push, predict, tenants, keys, …). */
export const COMMANDS: Record<string, Command> = {
  start: { help: START_HELP, run: startCommand },
  push: { help: PUSH_HELP, run: pushCommand },
  predict: { help: PREDICT_HELP, run: predictCommand },
  'tenants create': { help: TENANTS_CREATE_HELP, run: tenantsCreateCommand },
  'keys create': { help: KEYS_CREATE_HELP, run: keysCreateCommand },
  'keys revoke': { help: KEYS_REVOKE_HELP, run: keysRevokeCommand },
  'adapters list': { help: ADAPTERS_LIST_HELP, run: adaptersListCommand },
  'adapters show': { help: ADAPTERS_SHOW_HELP, run: adaptersShowCommand },
  'adapters activate': { help: ADAPTERS_ACTIVATE_HELP, run: adaptersActivateCommand },
  'adapters delete': { help: ADAPTERS_DELETE_HELP, run: adaptersDeleteCommand },
  deploy: { help: DEPLOY_HELP, run: deployCommand },
};
