import type { HeadSpec } from '../../core/heads/head-spec';
import type { FeatureBlock } from '../../core/schemas/feature-block';
import type { Metrics } from '../../core/schemas/metrics';
import type { EpochRecord } from './train-head';

/** What every head trainer hands back to `graft train` for export, checks and the report. */
export interface HeadOutcome {
  spec: HeadSpec;
  /** The feature blocks the head reads, in input order: what the manifest declares. */
  blocks: FeatureBlock[];
  /** Held-out quality; absent when nothing could be held out (a label with a single example). */
  metrics?: Metrics;
  training: Record<string, unknown>;
  history: EpochRecord[];
  reportSections: string[];
  /** Rows of head input with the trainer's own probabilities: the exported ONNX must agree. */
  reference: { features: Float32Array; rows: number; probs: Float32Array };
}
