import { z } from 'zod';
import { Sha256 } from '../schemas/common';

/** Body of `backbones/<id>/current.json`. */
export const BackbonePointer = z.object({ sha256: Sha256 });
export type BackbonePointer = z.infer<typeof BackbonePointer>;
