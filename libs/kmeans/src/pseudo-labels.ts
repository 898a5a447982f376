/**
 * Pseudo-labels per image id, as JSON lines: a header line, then one line per image. JSON (not CSV) because
 * image ids are arbitrary strings (paths with commas, quotes, ...).
 *
 *   {"format":"ktlab.pseudo-labels","version":1,"k":2000,"count":1281167,"model":"..."}
 *   {"id":"train/n01440764/n01440764_10026.JPEG","label":1234,"distance":0.8123}
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { labelCsvLine } from './label-file.js';

export const PSEUDO_LABELS_VERSION = 1;

const headerSchema = z.object({
  format: z.literal('ktlab.pseudo-labels'),
  version: z.literal(PSEUDO_LABELS_VERSION),
  k: z.number().int().min(1),
  count: z.number().int().min(0),
  model: z.string().optional(),
});
const entrySchema = z.object({ id: z.string(), label: z.number().int().min(0), distance: z.number().optional() });

export interface PseudoLabels {
  k: number;
  /** Where the labels came from (e.g. the artifact path), when recorded. */
  model?: string;
  ids: string[];
  labels: Int32Array;
  distances?: Float32Array;
}

export async function writePseudoLabels(path: string, pseudoLabels: PseudoLabels): Promise<void> {
  const { ids, labels, distances, k } = pseudoLabels;
  if (ids.length !== labels.length) throw new RangeError(`${ids.length} ids but ${labels.length} labels`);
  if (distances && distances.length !== labels.length) throw new RangeError(`${distances.length} distances for ${labels.length} labels`);
  const stream = createWriteStream(path);
  const write = async (line: string): Promise<void> => {
    if (!stream.write(line + '\n')) await once(stream, 'drain');
  };
  await write(JSON.stringify({ format: 'ktlab.pseudo-labels', version: PSEUDO_LABELS_VERSION, k, count: ids.length, ...(pseudoLabels.model ? { model: pseudoLabels.model } : {}) }));
  for (let i = 0; i < ids.length; i++) {
    if (labels[i] < 0 || labels[i] >= k) throw new RangeError(`label ${labels[i]} of ${ids[i]} is outside [0, ${k})`);
    await write(JSON.stringify(distances ? { id: ids[i], label: labels[i], distance: distances[i] } : { id: ids[i], label: labels[i] }));
  }
  stream.end();
  await once(stream, 'finish');
}

/**
 * The same labels as CSV `path,label` (a header line, then one image a line), the form other tools and
 * `clustering.source: 'file'` read back: ids are the images' paths relative to the dataset folder.
 */
export async function writePseudoLabelsCsv(path: string, pseudoLabels: Pick<PseudoLabels, 'ids' | 'labels'>): Promise<void> {
  const { ids, labels } = pseudoLabels;
  if (ids.length !== labels.length) throw new RangeError(`${ids.length} ids but ${labels.length} labels`);
  const stream = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await write('path,label\n');
  const linesPerChunk = 4096;
  for (let start = 0; start < ids.length; start += linesPerChunk) {
    let chunk = '';
    for (let i = start; i < Math.min(ids.length, start + linesPerChunk); i++) chunk += labelCsvLine(ids[i], labels[i]) + '\n';
    await write(chunk);
  }
  stream.end();
  await once(stream, 'finish');
}

export async function readPseudoLabels(path: string): Promise<PseudoLabels> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let header: z.infer<typeof headerSchema> | undefined;
  const ids: string[] = [];
  const labels: number[] = [];
  const distances: number[] = [];
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const parse = <T>(schema: z.ZodType<T>): T => {
      const result = schema.safeParse(JSON.parse(line));
      if (!result.success) throw new Error(`${path}:${lineNumber}: ${z.prettifyError(result.error)}`);
      return result.data;
    };
    if (!header) {
      header = parse(headerSchema);
      continue;
    }
    const entry = parse(entrySchema);
    if (entry.label >= header.k) throw new Error(`${path}:${lineNumber}: label ${entry.label} is outside [0, ${header.k})`);
    ids.push(entry.id);
    labels.push(entry.label);
    if (entry.distance !== undefined) distances.push(entry.distance);
  }
  if (!header) throw new Error(`${path}: empty pseudo-label file`);
  if (ids.length !== header.count) throw new Error(`${path}: header promises ${header.count} entries, found ${ids.length}`);
  return {
    k: header.k,
    ...(header.model ? { model: header.model } : {}),
    ids,
    labels: Int32Array.from(labels),
    ...(distances.length === ids.length && ids.length > 0 ? { distances: Float32Array.from(distances) } : {}),
  };
}
