import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImageError } from '../../core/image/image-error';
import { sniffImageType } from '../../core/image/sniff-image';
import { API_LIMITS } from '../../core/schemas/api';
import { UsageError } from '../../trainer/cli/usage-error';

/** Arguments with these extensions are files, even before one is found: a typo is an error, not a text. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp', '.tif', '.tiff', '.heic', '.heif', '.avif']);

/** Enough leading bytes for sniffImageType to tell every format it names. */
const SNIFF_BYTES = 16;

/** Multipart framing per part (boundary, headers, file name) and for the other fields, generously. */
const PART_OVERHEAD = 1024;

/** The edge's per-image limit, less the framing that must fit in the same request body. */
const MAX_IMAGE_BYTES = Math.min(API_LIMITS.maxImageBytes, API_LIMITS.maxBodyBytes - 2 * PART_OVERHEAD);

export interface ImageArgument {
  path: string;
  bytes: number;
}

const bytesText = (bytes: number) => `${bytes.toLocaleString('en-US')} bytes`;

async function leadingBytes(file: string, size: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(Math.min(size, SNIFF_BYTES));
    await handle.read(head, 0, head.length, 0);
    return head;
  } finally {
    await handle.close();
  }
}

/** The argument as an image file, checked as the edge will check it; undefined when it is a text. */
async function imageArgument(arg: string): Promise<ImageArgument | undefined> {
  const named = IMAGE_EXTENSIONS.has(path.extname(arg).toLowerCase());
  const info = await stat(arg).catch(() => undefined);
  if (!info?.isFile()) {
    if (!named) return undefined;
    throw new UsageError(`${arg}: no such file`, 'check the path (arguments with an image extension are read as image files)');
  }
  try {
    sniffImageType(await leadingBytes(arg, info.size));
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    // Only a JPEG or PNG file, or a file named like an image, is taken for one; any other is a text.
    if (!named) return undefined;
    throw new UsageError(`${arg}: ${error.message}`, 'export or convert it to JPEG or PNG');
  }
  if (info.size > MAX_IMAGE_BYTES) {
    throw new UsageError(`${arg} is ${bytesText(info.size)}; the edge accepts images of at most ${bytesText(MAX_IMAGE_BYTES)}`, `downscale it (the edge decodes at most ${API_LIMITS.maxImagePixels} pixels) or recompress it`);
  }
  return { path: arg, bytes: info.size };
}

/**
 * The image files among `graft predict`'s inputs: arguments naming an existing JPEG or PNG file,
 * or any argument with an image extension (then it must be one). Undefined when all are texts;
 * a mix is refused, since one request is one kind of input.
 */
export async function imageArguments(args: readonly string[]): Promise<ImageArgument[] | undefined> {
  const images: ImageArgument[] = [];
  let text: string | undefined;
  // One file at a time: thousands of photos must not open thousands of descriptors at once.
  for (const arg of args) {
    const image = await imageArgument(arg);
    if (image) images.push(image);
    else text ??= arg;
  }
  if (images.length === 0) return undefined;
  if (text !== undefined) {
    throw new UsageError(`the inputs mix image files (${images[0]!.path}) and texts (${JSON.stringify(text.slice(0, 40))})`, 'predict images and texts in separate commands');
  }
  return images;
}

/** Requests of at most the edge's images per request, each body within its byte limit. */
export function imageBatches(images: readonly ImageArgument[]): ImageArgument[][] {
  const batches: ImageArgument[][] = [];
  let batch: ImageArgument[] = [];
  let bytes = PART_OVERHEAD;
  for (const image of images) {
    const size = image.bytes + PART_OVERHEAD;
    if (batch.length === API_LIMITS.maxImagesPerRequest || (batch.length > 0 && bytes + size > API_LIMITS.maxBodyBytes)) {
      batches.push(batch);
      batch = [];
      bytes = PART_OVERHEAD;
    }
    batch.push(image);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** The multipart body of one batch: an `image` part per file, then the other fields. */
export async function imageForm(images: readonly ImageArgument[], fields: Readonly<Record<string, string>>): Promise<FormData> {
  const form = new FormData();
  for (const image of images) form.append('image', new Blob([new Uint8Array(await readFile(image.path))]), path.basename(image.path));
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}
