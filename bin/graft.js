#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so there is no build step to forget.
import { register } from 'tsx/esm/api';

// The AWS SDK warns once per process on Node 20, which would break the CLI's one-line output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../infra/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
