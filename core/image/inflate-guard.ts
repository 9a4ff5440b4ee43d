import { ImageError } from './image-error';

/**
 * Inflates a PNG's zlib stream only to count its bytes, stopping as soon as it passes `expected`:
 * the decoder inflates without a bound, so a small file that inflates to gigabytes (a bomb behind
 * an honest-looking IHDR) must be caught here. A short stream means a truncated file.
 */
export async function checkInflatedSize(parts: readonly Uint8Array[], expected: number): Promise<void> {
  const inflate = new DecompressionStream('deflate');
  const writer = inflate.writable.getWriter();
  // Errors surface on the reading side; the writer only has to stop quietly when reading stops.
  void (async () => {
    for (const part of parts) await writer.write(part as Uint8Array<ArrayBuffer>);
    await writer.close();
  })().catch(() => undefined);
  const reader = inflate.readable.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > expected) {
        await reader.cancel().catch(() => undefined);
        throw new ImageError('image_corrupt', `the PNG's image data inflates past the ${expected} bytes its header implies`);
      }
    }
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError('image_truncated', 'the PNG image data is cut short or damaged (truncated upload?)');
  }
  if (total < expected) throw new ImageError('image_truncated', `the PNG image data inflates to ${total} bytes, its header implies ${expected}`);
}
