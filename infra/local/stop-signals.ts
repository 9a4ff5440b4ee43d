const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Resolves on the first SIGINT or SIGTERM. `claim()` removes every other listener: Miniflare and
 * wrangler, once imported in-process (to provision local state), install handlers that call
 * process.exit at once, which would orphan the wrangler dev process group we must stop first.
 */
export function stopSignals(): { received: Promise<NodeJS.Signals>; claim(): void } {
  let resolve!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const claim = () => {
    for (const signal of SIGNALS) {
      process.removeAllListeners(signal);
      process.on(signal, resolve);
    }
  };
  claim();
  return { received, claim };
}
