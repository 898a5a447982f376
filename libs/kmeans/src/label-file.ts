/**
 * Pseudo-labels made elsewhere (the authors' released ImageNet labels, another tool's clustering, a ktlab run's
 * own export), parsed from the file's contents and matched to a dataset's images by relative path. Pure: the
 * caller reads the files. Every error names the file and, where there is one, the line.
 *
 *   CSV         `path,label` per line (an optional `path,label` header; RFC 4180 quotes for paths with commas)
 *   JSON lines  `{"path": "cat/1.jpg", "label": 3}` per line (`id` is taken for `path`, so a run's labels.ktpl reads)
 *   .npy        int32 labels [n] plus a text file listing the n image paths in the array's order
 */
import { z } from 'zod';
import { parseNpy } from './npy.js';

/** The largest label accepted (as `clustering.k`'s bound): the target net gets one output per label value. */
export const MAX_LABEL_FILE_CLASSES = 100_000;

export type LabelFileFormat = 'csv' | 'jsonl' | 'npy';

export interface LabelEntry {
  /** The image's path relative to the dataset folder, as written in the file (a leading `./` dropped). */
  path: string;
  label: number;
  /** 1-based line of `LabelFileContents.file` the entry came from. */
  line: number;
}

export interface LabelFileContents {
  /** The file the entries' line numbers refer to (for `.npy`: the image list). */
  file: string;
  entries: LabelEntry[];
  /** The number of classes when the file states it (a labels.ktpl header); otherwise the largest label + 1. */
  k?: number;
}

export class LabelFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`);
    this.name = 'LabelFileError';
  }
}

/** The format of `path` by its extension when `format` is `auto`. */
export function labelFileFormat(path: string, format: LabelFileFormat | 'auto' = 'auto'): LabelFileFormat {
  if (format !== 'auto') return format;
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (extension === 'csv') return 'csv';
  if (extension === 'jsonl' || extension === 'json' || extension === 'ktpl' || extension === 'ndjson') return 'jsonl';
  if (extension === 'npy') return 'npy';
  throw new LabelFileError(path, undefined, 'cannot tell the format from the extension (use .csv, .jsonl or .npy, or set clustering.labelsFile.format)');
}

function normalizePath(path: string): string {
  return path.startsWith('./') ? path.slice(2) : path;
}

function parseLabel(text: string, file: string, line: number): number {
  if (!/^\d+$/.test(text)) throw new LabelFileError(file, line, `label "${text}" is not a non-negative integer`);
  const label = Number(text);
  if (label >= MAX_LABEL_FILE_CLASSES) throw new LabelFileError(file, line, `label ${label} is too large (at most ${MAX_LABEL_FILE_CLASSES - 1})`);
  return label;
}

/** The fields of one CSV line (RFC 4180 quoting; a quoted field cannot span lines). */
function csvFields(text: string, file: string, line: number): string[] {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    let start = at;
    while (text[start] === ' ' || text[start] === '\t') start++;
    if (text[start] === '"') at = start;
    if (text[at] === '"') {
      let value = '';
      let i = at + 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new LabelFileError(file, line, 'a quoted field is not closed');
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      fields.push(value);
      while (text[at] === ' ' || text[at] === '\t') at++;
      if (at === text.length) return fields;
      if (text[at] !== ',') throw new LabelFileError(file, line, 'unexpected text after a quoted field');
      at++;
    } else {
      const comma = text.indexOf(',', at);
      fields.push((comma < 0 ? text.slice(at) : text.slice(at, comma)).trim());
      if (comma < 0) return fields;
      at = comma + 1;
    }
  }
}

function lines(text: string): string[] {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
}

function addEntry(entries: LabelEntry[], path: string, label: number, file: string, line: number): void {
  const normalized = normalizePath(path);
  if (normalized === '') throw new LabelFileError(file, line, 'the image path is empty');
  entries.push({ path: normalized, label, line });
}

export function parseLabelsCsv(text: string, file: string): LabelFileContents {
  const entries: LabelEntry[] = [];
  let seenRow = false;
  lines(text).forEach((content, index) => {
    const line = index + 1;
    if (content.trim() === '') return;
    const fields = csvFields(content, file, line);
    if (fields.length !== 2) throw new LabelFileError(file, line, `expected 2 fields (path,label), found ${fields.length}`);
    const [path, label] = fields;
    const isHeader = !seenRow && path.toLowerCase() === 'path' && label.toLowerCase() === 'label';
    seenRow = true;
    if (!isHeader) addEntry(entries, path, parseLabel(label, file, line), file, line);
  });
  if (entries.length === 0) throw new LabelFileError(file, undefined, 'no labels in the file');
  return { file, entries };
}

const ktplHeaderSchema = z.object({ format: z.literal('ktlab.pseudo-labels'), k: z.number().int().min(1).max(MAX_LABEL_FILE_CLASSES), count: z.number().int().min(0) });
const jsonEntrySchema = z
  .object({ path: z.string().optional(), id: z.string().optional(), label: z.number().int().min(0).max(MAX_LABEL_FILE_CLASSES - 1) })
  .refine((entry) => entry.path !== undefined || entry.id !== undefined, { message: 'needs "path" (or "id"): the image path relative to the dataset folder', path: ['path'] });

export function parseLabelsJsonl(text: string, file: string): LabelFileContents {
  const entries: LabelEntry[] = [];
  let header: z.infer<typeof ktplHeaderSchema> | undefined;
  let first = true;
  lines(text).forEach((content, index) => {
    const line = index + 1;
    if (content.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      throw new LabelFileError(file, line, `not JSON (${(error as Error).message})`);
    }
    if (first && typeof value === 'object' && value !== null && 'format' in value) {
      first = false;
      const parsed = ktplHeaderSchema.safeParse(value);
      if (!parsed.success) throw new LabelFileError(file, line, `not a ktlab pseudo-label header: ${z.prettifyError(parsed.error)}`);
      header = parsed.data;
      return;
    }
    first = false;
    const parsed = jsonEntrySchema.safeParse(value);
    if (!parsed.success) throw new LabelFileError(file, line, z.prettifyError(parsed.error).replace(/\n/g, ' '));
    if (header && parsed.data.label >= header.k) throw new LabelFileError(file, line, `label ${parsed.data.label} is outside [0, ${header.k}) (the header's k)`);
    addEntry(entries, parsed.data.path ?? parsed.data.id ?? '', parsed.data.label, file, line);
  });
  if (entries.length === 0) throw new LabelFileError(file, undefined, 'no labels in the file');
  if (header && header.count !== entries.length) throw new LabelFileError(file, undefined, `the header promises ${header.count} labels, the file holds ${entries.length}`);
  return { file, entries, ...(header ? { k: header.k } : {}) };
}

/** int32 labels [n] (`np.save(f, labels.astype(np.int32))`) and the image list naming their images in order. */
export function parseLabelsNpy(bytes: Uint8Array, file: string, imageList: string, listFile: string): LabelFileContents {
  let npy;
  try {
    npy = parseNpy(bytes);
  } catch (error) {
    throw new LabelFileError(file, undefined, `${(error as Error).message}; save the labels with np.save(path, labels.astype(np.int32))`);
  }
  if (npy.dtype !== 'int32' || npy.shape.length !== 1) {
    throw new LabelFileError(file, undefined, `expected a 1-d int32 array of labels, found ${npy.dtype} of shape (${npy.shape.join(', ')})`);
  }
  const labels = npy.data;
  const paths: { path: string; line: number }[] = [];
  lines(imageList).forEach((content, index) => {
    if (content.trim() !== '') paths.push({ path: content.trim(), line: index + 1 });
  });
  if (paths.length !== labels.length) throw new LabelFileError(listFile, undefined, `lists ${paths.length} images, ${file} holds ${labels.length} labels`);
  const entries: LabelEntry[] = [];
  paths.forEach(({ path, line }, index) => {
    const label = labels[index];
    if (label < 0 || label >= MAX_LABEL_FILE_CLASSES) throw new LabelFileError(file, undefined, `label ${label} at index ${index} (${listFile}:${line}) is outside [0, ${MAX_LABEL_FILE_CLASSES})`);
    addEntry(entries, path, label, listFile, line);
  });
  return { file: listFile, entries };
}

export interface MatchedLabels {
  /** The run's labelled images, in the run's order, their positions among the run's images, and their labels. */
  ids: string[];
  indices: Int32Array;
  labels: Int32Array;
  k: number;
  /** The run's images the file gives no label (left out of training). */
  unlabelled: number;
  /** A few of them, for the log. */
  unlabelledSample: string[];
  /** Labelled images of the dataset that the run does not use (outside its subset or limit, or unreadable). */
  outsideRun: number;
}

/**
 * Lines the file's labels up with the run's images by path. `knownIds` are every image path of the dataset
 * (before subset and limit, unreadable files included): a path outside them is an error, as is a path labelled twice.
 */
export function matchLabelsToImages(contents: LabelFileContents, runIds: readonly string[], knownIds: ReadonlySet<string>): MatchedLabels {
  const { file, entries } = contents;
  const byPath = new Map<string, LabelEntry>();
  const unknown: LabelEntry[] = [];
  for (const entry of entries) {
    const earlier = byPath.get(entry.path);
    if (earlier) throw new LabelFileError(file, entry.line, `image "${entry.path}" is labelled again (first at line ${earlier.line})`);
    byPath.set(entry.path, entry);
    if (!knownIds.has(entry.path)) unknown.push(entry);
  }
  if (unknown.length > 0) {
    const [first] = unknown;
    const example = runIds[0] === undefined ? '' : `; paths are relative to the dataset folder, e.g. "${runIds[0]}"`;
    const more = unknown.length > 1 ? ` (${unknown.length - 1} more unknown path(s) after it)` : '';
    throw new LabelFileError(file, first.line, `image "${first.path}" is not in the dataset${example}${more}`);
  }
  const ids: string[] = [];
  const indices: number[] = [];
  const labels: number[] = [];
  const unlabelledSample: string[] = [];
  let unlabelled = 0;
  for (const [index, id] of runIds.entries()) {
    const entry = byPath.get(id);
    if (entry) {
      ids.push(id);
      indices.push(index);
      labels.push(entry.label);
    } else {
      unlabelled++;
      if (unlabelledSample.length < 5) unlabelledSample.push(id);
    }
  }
  if (ids.length === 0) throw new LabelFileError(file, undefined, `labels none of the run's ${runIds.length} images`);
  const k = contents.k ?? labels.reduce((max, label) => Math.max(max, label), 0) + 1;
  return { ids, indices: Int32Array.from(indices), labels: Int32Array.from(labels), k, unlabelled, unlabelledSample, outsideRun: entries.length - ids.length };
}

/** One CSV field: quoted when the path holds a comma, a quote, a line break or surrounding spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The `path,label` CSV line of one image (without the line break). */
export function labelCsvLine(path: string, label: number): string {
  return `${csvField(path)},${label}`;
}
