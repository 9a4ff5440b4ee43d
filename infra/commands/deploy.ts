import path from 'node:path';
import { z } from 'zod';
import { parseFlags } from '../../trainer/cli/parse-flags';
import { UsageError } from '../../trainer/cli/usage-error';
import { formatMiB } from '../deploy/workers-limits';
import { deployPaths } from '../deploy/deploy-paths';
import { dryRun, wranglerRunner } from '../deploy/dry-run';
import { runDeploy } from '../deploy/run-deploy';

const Flags = z.object({ dryRun: z.boolean().default(false), json: z.boolean().default(false) });
const say = (line: string) => console.error(`graft deploy: ${line}`);

export async function deployCommand(argv: readonly string[]): Promise<void> {
  const { flags, positionals } = parseFlags('deploy', argv, { 'dry-run': 'boolean', json: 'boolean' }, Flags);
  if (positionals.length) throw new UsageError(`graft deploy: unexpected ${JSON.stringify(positionals[0])}`, 'see: graft deploy --help');
  if (!flags.dryRun) {
    const result = await runDeploy(wranglerRunner, say);
    if (flags.json) return console.log(JSON.stringify({ endpoint: result.endpoint, adminTokenFile: result.newAdminToken ? deployPaths().adminToken : undefined }));
    console.log(`deployed: ${result.endpoint ?? '(see wrangler output for the URL)'}`);
    if (result.newAdminToken) console.log(`admin token (shown once; also in ${deployPaths().adminToken}): ${result.newAdminToken}`);
    console.log(`next: GRAFT_ENDPOINT=${result.endpoint ?? '<url>'} GRAFT_ADMIN_TOKEN=<token> graft tenants create <name>`);
    return;
  }
  say('bundling the worker with wrangler deploy --dry-run …');
  const report = await dryRun();
  if (flags.json) {
    console.log(JSON.stringify(report));
  } else {
    console.log(`bundle (${path.relative(process.cwd(), deployPaths().bundle)}): ${report.bundle.files.map((f) => `${f.name} ${formatMiB(f.bytes)}`).join(', ')}`);
    for (const check of report.checks) console.log(`${check.ok ? (check.warning ? 'warn' : ' ok ') : 'FAIL'}  ${check.line}`);
    console.log('\nplan (npm run deploy runs these, in order):');
    report.plan.forEach((step, i) => console.log(`${String(i + 1).padStart(2)}. ${step.what}\n      ${step.command}`));
  }
  if (!report.ok) throw new UsageError('the deploy would fail Cloudflare limits (FAIL lines above)', 'shrink the bundle or backbones, or raise the plan');
}
