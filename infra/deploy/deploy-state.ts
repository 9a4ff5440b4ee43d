import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DeployState {
  databaseId?: string;
  /** `<bucket>/<key>` of every object uploaded by an earlier deploy. */
  uploaded: string[];
  adminTokenSet: boolean;
  endpoint?: string;
}

export async function readDeployState(file: string): Promise<DeployState> {
  try {
    return { uploaded: [], adminTokenSet: false, ...(JSON.parse(await readFile(file, 'utf8')) as Partial<DeployState>) };
  } catch {
    return { uploaded: [], adminTokenSet: false };
  }
}

export async function writeDeployState(file: string, state: DeployState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(state, null, 2) + '\n');
}
