import { BACKBONES_BUILD_HELP, EVAL_HELP, TRAIN_HELP } from '../../trainer/commands/help';
import { UsageError } from '../../trainer/cli/usage-error';
import { COMMANDS as INFRA_COMMANDS } from './infra-commands';
import { lazy } from './lazy-command';

export interface Command {
  help: string;
  run(argv: readonly string[]): Promise<void>;
}

/** Every `graft` command by its words; the first match of the longest prefix wins. */
const COMMANDS: Record<string, Command> = {
  'backbones build': lazy(BACKBONES_BUILD_HELP, () => import('../../trainer/commands/backbones-build'), 'backbonesBuildCommand'),
  train: lazy(TRAIN_HELP, () => import('../../trainer/commands/train'), 'trainCommand'),
  eval: lazy(EVAL_HELP, () => import('../../trainer/commands/eval'), 'evalCommand'),
  ...INFRA_COMMANDS,
};

function usage(): string {
  return ['graft — per-tenant classifiers from a frozen backbone', '', ...Object.values(COMMANDS).map((c) => c.help.split('\n')[0]!)].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const words = Object.keys(COMMANDS)
    .sort((a, b) => b.split(' ').length - a.split(' ').length)
    .find((name) => name.split(' ').every((word, i) => argv[i] === word));
  if (!words) {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
      console.log(usage());
      return 0;
    }
    console.error(`graft: unknown command "${argv.slice(0, 2).join(' ')}" — run graft --help for the list`);
    return 2;
  }
  const command = COMMANDS[words]!;
  const rest = argv.slice(words.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.line);
      return error.exitCode;
    }
    throw error;
  }
}
