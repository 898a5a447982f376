import * as tf from '@tensorflow/tfjs';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A tf.io.IOHandler that stores a model in TensorFlow.js's standard layout — `model.json` (topology and weights
 * manifest) plus one `weights.bin` — in a directory on disk (tfjs's own `file://` handler exists only in
 * tfjs-node). Saving is atomic: everything is written and fsynced in a sibling temp directory that then
 * replaces `dir` by rename, so readers see either the old model or the new one, never a mix. In the brief
 * moment between moving the old directory aside and the new one in, `load` falls back to the old one.
 */
export class DirectoryIOHandler implements tf.io.IOHandler {
  /**
   * @param extraFiles more files saved in the same atomic swap (e.g. optimizer state next to the weights);
   *   names must be plain file names other than model.json and weights.bin.
   */
  constructor(
    readonly dir: string,
    private readonly extraFiles: Readonly<Record<string, Uint8Array>> = {},
  ) {
    for (const name of Object.keys(extraFiles)) {
      if (name === MODEL_JSON || name === WEIGHTS_BIN || basename(name) !== name || name.startsWith('.')) {
        throw new Error(`DirectoryIOHandler: '${name}' cannot be an extra file name`);
      }
    }
  }

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('DirectoryIOHandler: binary (GraphDef) topologies are not supported');
    const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology ?? {},
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    };

    const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const parent = dirname(this.dir);
    const temp = join(parent, `.${basename(this.dir)}.tmp-${suffix}`);
    const previous = join(parent, `.${basename(this.dir)}.old-${suffix}`);
    await mkdir(temp, { recursive: true });
    try {
      await writeSynced(join(temp, WEIGHTS_BIN), new Uint8Array(weightData));
      for (const [name, bytes] of Object.entries(this.extraFiles)) await writeSynced(join(temp, name), bytes);
      await writeSynced(join(temp, MODEL_JSON), Buffer.from(JSON.stringify(modelJson)));
      const hadPrevious = existsSync(this.dir);
      if (hadPrevious) await rename(this.dir, previous);
      await rename(temp, this.dir);
      if (hadPrevious) await rm(previous, { recursive: true, force: true });
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const dir = await this.savedDir();
    const jsonPath = join(dir, MODEL_JSON);
    if (!existsSync(jsonPath)) throw new Error(`loadModel: no ${MODEL_JSON} in ${this.dir}`);
    let modelJson: tf.io.ModelJSON;
    try {
      modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
    } catch (error) {
      throw new Error(`loadModel: ${jsonPath} is not valid JSON: ${(error as Error).message}`);
    }
    return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
      const specs = manifest.flatMap((group) => group.weights);
      const buffers = await Promise.all(
        manifest.flatMap((group) => group.paths).map(async (path) => {
          const bytes = await readFile(join(dir, path)).catch(() => {
            throw new Error(`loadModel: weights file ${join(dir, path)} named in ${MODEL_JSON} is missing`);
          });
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        }),
      );
      return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
    });
  }

  /** An extra file saved with the model, or undefined if there is none. */
  async readExtraFile(name: string): Promise<Uint8Array | undefined> {
    const path = join(await this.savedDir(), name);
    return existsSync(path) ? new Uint8Array(await readFile(path)) : undefined;
  }

  /** `dir`, or the previous save while a new one is being swapped in. */
  private async savedDir(): Promise<string> {
    return existsSync(join(this.dir, MODEL_JSON)) ? this.dir : ((await this.previousSave()) ?? this.dir);
  }

  private async previousSave(): Promise<string | undefined> {
    const prefix = `.${basename(this.dir)}.old-`;
    const entries = await readdir(dirname(this.dir)).catch(() => [] as string[]);
    const old = entries.find((name) => name.startsWith(prefix));
    return old ? join(dirname(this.dir), old) : undefined;
  }
}

async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(bytes, 0, bytes.length, 0);
    await file.sync();
  } finally {
    await file.close();
  }
}
