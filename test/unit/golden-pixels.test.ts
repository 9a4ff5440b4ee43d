/**
 * Golden values for the image inputs adapters depend on: the `pixels` feature block
 * (`pixelFeatures`/`pixelBatch`) and the `image-rgb/v1` input of the image-mobilenetv2 backbone
 * (`imageBatch`), on the committed fixtures. A stored adapter's head was trained on exactly these
 * float32 values, so the bytes (sha256 of the Float32Array, little-endian) are the contract; the
 * sums and entries (6 significant digits) are there to show what moved when a digest fails.
 * The literals below were computed once from the code; a failure means the contract changed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pixelBatch, pixelFeatures } from '../../core/image/pixel-features';
import { imageBatch } from '../../core/image/preprocess-image';
import { IMAGE_PREPROCESS } from '../../trainer/backbones/image-mobilenet-v2';
import { FIXTURE_FILES, fixture } from '../helpers/image-fixtures';

type FixtureName = (typeof FIXTURE_FILES)[number];

const sha256 = (view: ArrayBufferView) => createHash('sha256').update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)).digest('hex');
const sig6 = (value: number) => Number(value.toPrecision(6));
const sum = (values: Float32Array) => values.reduce((total, v) => total + v, 0);

interface Digest {
  /** Sum of the values (in float64), to 6 significant digits. */
  sum: number;
  /** The values at the shape's `at` indices, to 6 significant digits. */
  entries: number[];
  sha256: string;
}

interface PixelsGolden {
  side: number;
  channels: 1 | 3;
  /** First value; a value off the diagonal; the centre pixel's last channel; last value. */
  at: number[];
  images: Record<FixtureName, Digest>;
  /** sha256 of pixelBatch over all fixtures, in FIXTURE_FILES order. */
  batchSha256: string;
}

/** The fixtures' own bytes: if these change, every digest below does too. */
const FIXTURE_SHA256 = {
  'mnist-7.png': '6774cdcc310ecde90cf1580953d2c66bc1203050fb857b939e471d988ed9d13b',
  'fashion-sneaker.jpg': '99c3f53193e3bf85b48585c57abd9701546f9345fa982500373e2f7fb797bfc8',
  'fashion-bag-alpha.png': '49637c86931a6ad36974dcf2285a44b1b32af09a94f65f7d04f9d02af21934d9',
  'scene.jpg': '9afb2231a445ef6ba86920d6f036b2f68b84990dca965aae8adee9c5a518ebfc',
  'scene-exif6.jpg': 'd56aecc0c425d252ed70a637c033dc567e156c06e834c5231c54652887665b1d',
};

const PIXELS: PixelsGolden[] = [
  {
    side: 4,
    channels: 1,
    at: [0, 5, 10, 15],
    images: {
      'mnist-7.png': { sum: 2.02449, entries: [0, 0.482033, 0.368547, 0], sha256: 'deeeef1f54142a4ebfa45a675c1cb41f7e8e5915076d93b8ee6477b748baf47a' },
      'fashion-sneaker.jpg': { sum: 11.7926, entries: [1, 0.927266, 0.140236, 0.963485], sha256: '61ab150bae3a5ed14bbcf86d9e9bc7d55890e49526c973c6b36bc2d4d56f401c' },
      'fashion-bag-alpha.png': { sum: 12.1892, entries: [0.97382, 0.565805, 0.599327, 0.946541], sha256: '58f53d54da6d9bab01ebed107de92bb4bf0f2e24f13df911fdba6fc1c2f80875' },
      'scene.jpg': { sum: 8.52238, entries: [0.599777, 0.618757, 0.504217, 0.33556], sha256: '794943a1971283270337da3e304b28bc37c20a4a38160288345bc70fb7037fa1' },
      'scene-exif6.jpg': { sum: 8.52238, entries: [0.343285, 0.44727, 0.73157, 0.609308], sha256: '54308b6a8aee64af1edec915273bf9bce8f7ca730280b51b0d66dbd03c879fdd' },
    },
    batchSha256: 'e02c83199b9f5f46364e09b82056abf69835b31517606420d7c1908ff34574f3',
  },
  {
    side: 4,
    channels: 3,
    at: [0, 15, 32, 47],
    images: {
      'mnist-7.png': { sum: 6.07347, entries: [0, 0.482033, 0.368547, 0], sha256: '1b024fb7f158ef798ce265640255f2e91703960f7aa98e6ef81798c4be5e4fc6' },
      'fashion-sneaker.jpg': { sum: 35.3779, entries: [1, 0.927266, 0.140236, 0.963485], sha256: '03270f9f112953b5deaaa03260deaad13a4d2bacd354dac8069d43596920168e' },
      'fashion-bag-alpha.png': { sum: 35.6992, entries: [0.985914, 0.922129, 0.241457, 0.905882], sha256: '7c7809dd76292bce877f76789d153d39b328f5a99490f948f8775fab42a9c8a1' },
      'scene.jpg': { sum: 25.1888, entries: [0.40896, 0.504882, 0.461801, 0.155392], sha256: 'e547a54fcd5cc304b10cee542d43229a7aae8bf8920ea6541206ea7d899b59a6' },
      'scene-exif6.jpg': { sum: 25.1888, entries: [0.242913, 0.392358, 0.790288, 0.894206], sha256: 'efb2164f09dd4d4b6612435680fd71a3fce37e511c345cf6689aa21d89361fab' },
    },
    batchSha256: 'a9fcc235409b44c218dd5855a24c4b7d9836bf07a5e9e5dc5754f86ece497d3f',
  },
  {
    side: 8,
    channels: 1,
    at: [0, 9, 36, 63],
    images: {
      'mnist-7.png': { sum: 8.09796, entries: [0, 0, 0.767427, 0], sha256: '42e8e7be1536836953ae5a18956b3a8e5f9ea94f775de24ebf46e478d9e31cd6' },
      'fashion-sneaker.jpg': { sum: 47.1705, entries: [1, 1, 0.111224, 1], sha256: '13bf43a0fced314866e3382d4909a6150080061767b5042875ac7ca347e7ebf2' },
      'fashion-bag-alpha.png': { sum: 50.3351, entries: [0.999743, 0.869055, 0.586015, 1], sha256: 'fabc2f87bbc60291aaad1e04fe826430747eca1c52617336da0817c21163354a' },
      'scene.jpg': { sum: 34.0895, entries: [0.576911, 0.622927, 0.667727, 0.322256], sha256: 'c8fc90aea42d27f782f6950d41cf193ac5e7c6dcfddcb2452f4ddca52fa1cca7' },
      'scene-exif6.jpg': { sum: 34.0895, entries: [0.336249, 0.320076, 0.71542, 0.576832], sha256: '648e352c54ccc3a74304b6eec108c0da8db65dcbb8979c7ba03fb2547d059333' },
    },
    batchSha256: '4227f0b95e0169cd7b7f57683e84f28a18d9614c63f2bd2259addfbedaecaf99',
  },
  {
    side: 8,
    channels: 3,
    at: [0, 27, 110, 191],
    images: {
      'mnist-7.png': { sum: 24.2939, entries: [0, 0, 0.767427, 0], sha256: '9b7ba4026dd26b80c869905f99dc5680efbf3316f943d5822e2bda94264cf90b' },
      'fashion-sneaker.jpg': { sum: 141.512, entries: [1, 1, 0.111224, 1], sha256: '057834fc8a2b3174ff23c10f8546461d9b2b0096f7cd649d32350f37e635ae97' },
      'fashion-bag-alpha.png': { sum: 148.014, entries: [0.999856, 0.964846, 0.234336, 1], sha256: '365976fcdf4a3bc326f100d751e3c3331135ef160eec45b2ba1060e44bb4478d' },
      'scene.jpg': { sum: 100.755, entries: [0.379693, 0.438948, 0.767448, 0.155422], sha256: '8f0fcf8cdf2b06b0e51493f9c2e6e381fc86040bc1acf56c65013216527b7c2a' },
      'scene-exif6.jpg': { sum: 100.755, entries: [0.238206, 0.246595, 0.920049, 0.921219], sha256: 'c210848a49c0b494048f2e596046b27d4e33e728c7036efe3236843628b4e34a' },
    },
    batchSha256: 'ad0207aa99e85cc5394b60db8d41858924b70464c031ae678a1124010913620f',
  },
];

/** imageBatch with image-mobilenetv2's preprocess: [1, 224, 224, 3] NHWC, scaled to [0, 1]. */
const MOBILENET_AT = [0, 1, 2, 3 * (224 * 112 + 112), 3 * (224 * 50 + 170) + 1, 224 * 224 * 3 - 1];
const MOBILENET: Partial<Record<FixtureName, Digest>> = {
  // EXIF orientation 6: rotated upright before the values are read.
  'scene-exif6.jpg': {
    sum: 79007,
    entries: [0.238375, 0.464706, 0.151821, 0.597449, 0.67541, 0.918597],
    sha256: 'a21fe1d66180def11c87cae43f13076ff868e7134c65d9ad4da49503c812000a',
  },
  // Alpha composited over white.
  'fashion-bag-alpha.png': {
    sum: 111953,
    entries: [1, 1, 1, 0.981618, 0.380392, 1],
    sha256: '8e23e4d14f2b6f684b99748e98ea6b77c2bd0b375cd16a81d6e57f79bc105ccd',
  },
};
/** sha256 of imageBatch over both of the above, in that order. */
const MOBILENET_BATCH_SHA256 = '0d32c1b15ad7aa8d5392bac48339d654a1f276ce0f39482695b9b26842aaa8b7';

function expectDigest(values: Float32Array, at: readonly number[], digest: Digest, label: string): void {
  expect(sig6(sum(values)), `${label}: sum`).toBe(digest.sum);
  expect(
    at.map((i) => sig6(values[i]!)),
    `${label}: entries`,
  ).toEqual(digest.entries);
  expect(sha256(values), `${label}: sha256`).toBe(digest.sha256);
}

describe('golden: image fixtures', () => {
  it('are the committed bytes the digests were computed from', () => {
    expect(Object.keys(FIXTURE_SHA256)).toEqual([...FIXTURE_FILES]);
    for (const name of FIXTURE_FILES) expect(sha256(fixture(name)), name).toBe(FIXTURE_SHA256[name]);
  });
});

describe('golden: pixels feature block', () => {
  for (const golden of PIXELS) {
    const { side, channels } = golden;
    it(`side ${side}, ${channels} channel(s): the same float32 values per fixture and per batch`, async () => {
      const dim = side * side * channels;
      for (const name of FIXTURE_FILES) {
        const out = new Float32Array(dim);
        await pixelFeatures(fixture(name), { side, channels }, out);
        expectDigest(out, golden.at, golden.images[name], `${name} ${side}x${side}x${channels}`);
      }
      const batch = await pixelBatch(FIXTURE_FILES.map(fixture), { side, channels });
      expect(batch.length).toBe(FIXTURE_FILES.length * dim);
      expect(sha256(batch)).toBe(golden.batchSha256);
    });
  }
});

describe('golden: image-mobilenetv2 input (image-rgb/v1)', () => {
  it('uses the same preprocess', () => {
    expect(IMAGE_PREPROCESS).toEqual({
      routine: 'image-rgb/v1',
      layout: 'nhwc',
      width: 224,
      height: 224,
      resize: 'box-bilinear',
      fit: 'stretch',
      normalize: { kind: 'range', min: 0, max: 1 },
      max_bytes: 8_388_608,
      max_pixels: 4_194_304,
      max_side: 8192,
    });
  });

  it('gives the same float32 values for fixed images', async () => {
    for (const [name, digest] of Object.entries(MOBILENET) as [FixtureName, Digest][]) {
      const batch = await imageBatch([fixture(name)], IMAGE_PREPROCESS);
      expect(batch.rows).toBe(1);
      expect(batch.data.length).toBe(224 * 224 * 3);
      expectDigest(batch.data, MOBILENET_AT, digest, name);
    }
    const both = await imageBatch(
      (Object.keys(MOBILENET) as FixtureName[]).map(fixture),
      IMAGE_PREPROCESS,
    );
    expect(sha256(both.data)).toBe(MOBILENET_BATCH_SHA256);
  });
});
