export type ImageExample = {
  label: string;
  /** Encoded JPEG/PNG bytes, as read. */
  bytes: Uint8Array;
  /** The file path or s3:// URL, for error messages. */
  where: string;
};

export type ImageDataset = {
  /** What the user passed: a folder, a CSV path or an s3:// URL. */
  source: string;
  /** Over each example's label, location and bytes in order (see load-image-dataset). */
  sha256: string;
  examples: ImageExample[];
  /** Distinct labels, sorted by code unit so the order never depends on locale. */
  labels: string[];
};
