import type { Command } from './main';

type Loader = () => Promise<Record<string, unknown>>;

/** Imports a command's module only when it runs: client commands then start in about a second,
 * without loading TensorFlow.js or ONNX Runtime. */
export function lazy(helpText: string, load: Loader, name: string): Command {
  return {
    help: helpText,
    run: async (argv) => {
      const run = (await load())[name] as (argv: readonly string[]) => Promise<void>;
      await run(argv);
    },
  };
}
