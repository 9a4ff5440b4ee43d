import { z } from 'zod';

/** Keras `inbound_nodes` for single-output layers: [[[layerName, nodeIndex, tensorIndex, kwargs], …]]. */
const InboundNodes = z.array(z.array(z.tuple([z.string(), z.number(), z.number()]).rest(z.unknown())));

export const KerasLayer = z.object({
  name: z.string().min(1),
  class_name: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  inbound_nodes: InboundNodes,
});
export type KerasLayer = z.infer<typeof KerasLayer>;

const Quantization = z.object({ min: z.number(), scale: z.number(), dtype: z.enum(['uint8', 'uint16']) });

export const WeightSpec = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.literal('float32'),
  quantization: Quantization.optional(),
});
export type WeightSpec = z.infer<typeof WeightSpec>;

/** A TensorFlow.js layers-model JSON (what `model.json` holds), as far as the converter reads it. */
export const KerasModelJson = z.object({
  modelTopology: z.object({
    model_config: z.object({
      class_name: z.enum(['Model', 'Functional']),
      config: z.object({
        layers: z.array(KerasLayer).min(1),
        input_layers: z.array(z.tuple([z.string(), z.number(), z.number()])).length(1),
        output_layers: z.array(z.tuple([z.string(), z.number(), z.number()])).min(1),
      }),
    }),
  }).passthrough(),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(WeightSpec) })).min(1),
});
export type KerasModelJson = z.infer<typeof KerasModelJson>;
