/** A file that is not part of a dataset, with the reason in words (for the load report). */
export interface SkippedFile {
  /** Path relative to the dataset folder, `/`-separated. */
  file: string;
  reason: string;
}
