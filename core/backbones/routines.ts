import type { BackboneManifest } from '../schemas/backbone-manifest';
import { RoutineError, type BackboneRoutine } from './backbone-routine';
import { imageRgb } from './image-rgb/image-rgb-routine';
import { textBagOfIds } from './text-bag-of-ids/text-bag-of-ids-routine';

/** Every preprocessing routine a backbone manifest may name. A new kind of backbone is one line here. */
const routines = new Map<string, BackboneRoutine<never>>([textBagOfIds, imageRgb].map((r) => [r.routine, r as BackboneRoutine<never>]));

/**
 * Adds a routine at start-up (an extension, or a test's own backbone); the names of the built-in
 * ones are taken. Register before any manifest naming it is parsed.
 */
export function registerRoutine<P extends { routine: string }>(routine: BackboneRoutine<P>): void {
  if (routines.has(routine.routine)) throw new Error(`routine ${routine.routine} is already registered`);
  routines.set(routine.routine, routine as unknown as BackboneRoutine<never>);
}

export function routineNames(): string[] {
  return [...routines.keys()];
}

/** The routine a manifest names, with its `preprocess` parsed by that routine's own schema. */
export function routineOf(manifest: Pick<BackboneManifest, 'id' | 'preprocess'>): { routine: BackboneRoutine<{ routine: string }>; preprocess: { routine: string } } {
  const routine = routines.get(manifest.preprocess.routine) as BackboneRoutine<{ routine: string }> | undefined;
  if (!routine) throw new RoutineError(manifest.id, `unknown preprocess routine ${manifest.preprocess.routine} (known: ${routineNames().join(', ')})`);
  const parsed = routine.preprocess.safeParse(manifest.preprocess);
  if (!parsed.success) throw new RoutineError(manifest.id, `invalid preprocess for ${routine.routine}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'preprocess'}: ${i.message}`).join('; ')}`);
  return { routine, preprocess: parsed.data };
}
