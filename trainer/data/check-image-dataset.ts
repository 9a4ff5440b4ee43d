import { MAX_LABELS } from '../../core/text/limits';
import { UsageError } from '../cli/usage-error';
import type { ImageDataset } from './image-dataset';

/**
 * Whether an image dataset can train a head: two labels or more, at most MAX_LABELS, and at least
 * `minPerLabel` images of each (2 for heads that hold images out, 1 for the cross-validated hybrid).
 */
export function checkImageDataset(dataset: ImageDataset, minPerLabel: number): void {
  const counts = new Map<string, number>();
  for (const { label } of dataset.examples) counts.set(label, (counts.get(label) ?? 0) + 1);
  if (counts.size < 2) throw new UsageError(`${dataset.source} has ${counts.size === 0 ? 'no labels' : 'only one label'}`, 'add images of at least one more label: a classifier needs two');
  const few = [...counts].filter(([, n]) => n < minPerLabel).map(([label, n]) => `"${label}" (${n})`);
  if (few.length > 0) {
    throw new UsageError(
      `${dataset.source}: ${few.slice(0, 5).join(', ')} ${few.length === 1 ? 'has' : 'have'} fewer than ${minPerLabel} images`,
      `add at least ${minPerLabel} images per label, or train the default hybrid head, which needs one`,
    );
  }
  if (counts.size > MAX_LABELS) throw new UsageError(`${dataset.source} has ${counts.size} labels, over the ${MAX_LABELS} limit`, 'merge rare labels or split the task');
}
