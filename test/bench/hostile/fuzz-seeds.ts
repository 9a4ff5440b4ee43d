import type { AdapterManifest } from '../../../core/schemas/adapter-manifest';
import type { Modality } from '../../../core/inputs/input-batch';
import { parseMessage, type ProtoField } from './protobuf-tree';

/** A valid adapter the fuzzer mutates: what `graft train` writes, or a fixture head. */
export interface SeedAdapter {
  label: string;
  manifest: AdapterManifest;
  model: Uint8Array;
  modality: Modality;
}

/** What the fuzzer starts from, and where on the edge its image mutants are sent. */
export interface FuzzSeeds {
  adapters: (SeedAdapter & { tree: ProtoField[] })[];
  /** Valid encoded images: the committed fixtures. */
  images: { name: string; bytes: Uint8Array }[];
  /** Live image adapters of the fuzzing tenant that image mutants are predicted against. */
  imageAdapters: string[];
  /** A text for follow-up predicts of accepted text mutants. */
  text: string;
}

/** Parses each seed model once: the protobuf tree every model mutation starts from. */
export function fuzzSeeds(adapters: readonly SeedAdapter[], images: FuzzSeeds['images'], imageAdapters: string[], text = 'free money, click now'): FuzzSeeds {
  return {
    adapters: adapters.map((a) => {
      const tree = parseMessage(a.model);
      if (!tree) throw new Error(`seed ${a.label} is not a protobuf message`);
      return { ...a, tree };
    }),
    images,
    imageAdapters,
    text,
  };
}
