export const DEPLOY_HELP = `graft deploy [--dry-run]   (npm run deploy)`;
export async function deployCommand(_argv: readonly string[]): Promise<void> {}
