import { MixedModalityError, modalityOf } from '../../core/features/modality-of';
import { AdapterModelError } from '../../core/onnx/adapter-model-error';
import { validateAdapterModel } from '../../core/onnx/validate-adapter';
import { sha256Hex } from '../../core/hash/sha256';
import { AdapterManifest, featureWidth } from '../../core/schemas/adapter-manifest';
import type { Env } from '../env';
import { problemFromZod } from '../http/validation-hook';
import { limitsFor, MAX_RUN_INPUT_BYTES } from '../limits';
import { Problem } from '../problems';
import { backboneCatalog, type Catalog } from '../serving/backbone-catalog';
import { checkBackbones } from '../serving/backbone-embedders';
import type { LoadedHead } from '../serving/loaded-head';
import { trialRun } from '../serving/trial-run';
import type { RawUpload } from './read-upload';

export interface CheckedUpload {
  name: string;
  manifest: AdapterManifest;
  model: Uint8Array;
  sha256: string;
  /** The trial run's head, handed to the cache once the version is committed. */
  loaded: LoadedHead;
}

function parseManifest(text: string, name: string): AdapterManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Problem('invalid_manifest', 'manifest is not JSON');
  }
  // The URL names the adapter: a head trained as "spam" can be pushed as "spam-eu".
  if (json && typeof json === 'object' && !Array.isArray(json)) json = { ...json, name };
  const parsed = AdapterManifest.safeParse(json);
  if (!parsed.success) {
    const problem = problemFromZod(parsed.error, 'manifest');
    throw new Problem('invalid_manifest', problem.message, problem.extensions);
  }
  return parsed.data;
}

/** A head reads one kind of input: blocks of several could never be computed for one request, so
 * such an upload is refused rather than stored. Backbone blocks were checked against the catalog. */
function checkModality(manifest: AdapterManifest, catalog: Catalog): void {
  try {
    modalityOf(manifest.features, catalog);
  } catch (error) {
    if (!(error instanceof MixedModalityError)) throw error;
    // Each modality with the first block that reads it, e.g. { text: 'hashed-ngrams', image: 'pixels' }.
    throw new Problem('invalid_manifest', error.message, Object.fromEntries([...error.sources].map(([modality, sources]) => [modality, sources[0]])));
  }
}

/**
 * Every check an upload passes before anything is stored, cheapest first; no ORT session exists
 * until the model passed static validation and its backbones matched.
 */
export async function validateUpload(env: Env, name: string, upload: RawUpload): Promise<CheckedUpload> {
  const manifest = parseManifest(upload.manifestText, name);
  const { model } = upload;
  const sha256 = await sha256Hex(model);
  if (manifest.model && (manifest.model.sha256 !== sha256 || manifest.model.bytes !== model.length)) {
    throw new Problem('model_digest_mismatch', `manifest says sha256 ${manifest.model.sha256} (${manifest.model.bytes} bytes); the model part is ${sha256} (${model.length} bytes)`);
  }
  try {
    // Costs are weighed at the documented maximum batch whatever a deployment lowers it to, and an
    // ORT head's input against the budget every ORT run obeys.
    validateAdapterModel(
      model,
      { inputDim: featureWidth(manifest), outputDim: manifest.labels.length },
      { maxModelBytes: limitsFor(env).maxModelBytes, maxDenseInputBytes: MAX_RUN_INPUT_BYTES },
    );
  } catch (error) {
    if (error instanceof AdapterModelError) throw new Problem(error.code, error.message);
    throw error;
  }
  const catalog = await backboneCatalog(env.ARTIFACTS);
  checkBackbones(manifest.features, catalog);
  checkModality(manifest, catalog);
  const loaded = await trialRun(model, manifest);
  return { name, manifest: { ...manifest, model: { sha256, bytes: model.length } }, model, sha256, loaded };
}
