export type TextExample = { text: string; label: string };

export type TextDataset = {
  /** What the user passed: a path or an s3:// URL. */
  source: string;
  /** Of the raw bytes; for a folder, of its canonical listing (see load-folder-dataset). */
  sha256: string;
  examples: TextExample[];
  /** Distinct labels, sorted by code unit so the order never depends on locale. */
  labels: string[];
};

/** An example plus where it came from, so a complaint can point at the line or file. */
export type LocatedExample = TextExample & { where: string };
