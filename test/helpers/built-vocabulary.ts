import { TextPreprocess } from '../../core/backbones/text-bag-of-ids/text-bag-of-ids-routine';
import type { BuiltBackbone } from '../../trainer/backbones/load-backbone';

/** The vocabulary text of a built `text-bag-of-ids/v1` backbone. */
export function builtVocabulary(backbone: BuiltBackbone): string {
  const { vocabulary } = TextPreprocess.parse(backbone.manifest.preprocess);
  return new TextDecoder().decode(backbone.assets.get(vocabulary));
}
