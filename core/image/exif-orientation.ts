/** EXIF orientation 1–8 (TIFF tag 0x0112): how the stored pixels must turn to display upright. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/**
 * The orientation in a JPEG APP1 payload (starting at "Exif\0\0"); 1 when absent or malformed,
 * since a broken EXIF block should not make an otherwise good photo unreadable.
 */
export function exifOrientation(app1: Uint8Array): Orientation {
  const header = [0x45, 0x78, 0x69, 0x66, 0, 0];
  if (app1.length < 14 || !header.every((b, i) => app1[i] === b)) return 1;
  const tiff = new DataView(app1.buffer, app1.byteOffset + 6, app1.byteLength - 6);
  const order = tiff.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  if (tiff.getUint16(2, little) !== 42) return 1;
  const ifd = tiff.getUint32(4, little);
  if (ifd + 2 > tiff.byteLength) return 1;
  const entries = tiff.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > tiff.byteLength) return 1;
    if (tiff.getUint16(at, little) !== ORIENTATION_TAG) continue;
    if (tiff.getUint16(at + 2, little) !== SHORT || tiff.getUint32(at + 4, little) < 1) return 1;
    const value = tiff.getUint16(at + 8, little);
    return value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}
