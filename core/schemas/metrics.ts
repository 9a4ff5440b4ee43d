import { z } from 'zod';

export const ClassMetrics = z.object({
  precision: z.number().min(0).max(1),
  recall: z.number().min(0).max(1),
  f1: z.number().min(0).max(1),
  support: z.number().int().nonnegative(),
});

/** Classification quality on a labelled set; `confusion[i][j]` counts true label i predicted as j. */
export const Metrics = z.object({
  examples: z.number().int().nonnegative(),
  accuracy: z.number().min(0).max(1),
  macro_f1: z.number().min(0).max(1),
  per_class: z.record(z.string(), ClassMetrics),
  confusion: z.array(z.array(z.number().int().nonnegative())),
});
export type Metrics = z.infer<typeof Metrics>;
