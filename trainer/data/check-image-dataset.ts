import { MAX_LABELS } from '../../core/text/limits';
import { UsageError } from '../cli/usage-error';
import { MIN_EXAMPLES_PER_LABEL } from './check-text-dataset';
import type { ImageDataset } from './image-dataset';

/** Whether an image dataset can train a head: the same label rules as for texts. */
export function checkImageDataset(dataset: ImageDataset): void {
  const counts = new Map<string, number>();
  for (const { label } of dataset.examples) counts.set(label, (counts.get(label) ?? 0) + 1);
  if (counts.size < 2) throw new UsageError(`${dataset.source} has ${counts.size === 0 ? 'no labels' : 'only one label'}`, 'add images of at least one more label: a classifier needs two');
  const few = [...counts].filter(([, n]) => n < MIN_EXAMPLES_PER_LABEL).map(([label, n]) => `"${label}" (${n})`);
  if (few.length > 0) {
    throw new UsageError(`${dataset.source}: ${few.slice(0, 5).join(', ')} ${few.length === 1 ? 'has' : 'have'} fewer than ${MIN_EXAMPLES_PER_LABEL} images`, `add at least ${MIN_EXAMPLES_PER_LABEL} images per label`);
  }
  if (counts.size > MAX_LABELS) throw new UsageError(`${dataset.source} has ${counts.size} labels, over the ${MAX_LABELS} limit`, 'merge rare labels or split the task');
}
