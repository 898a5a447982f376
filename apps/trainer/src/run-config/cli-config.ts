/**
 * The run config the CLI's `run`, `config` and `submit` commands work on: a preset (with --data, --test,
 * --quick, --seed, --limit, --reference-permutations) or a YAML/JSON file (--config), then each --set in turn,
 * validated by the schema the portal uses. Every problem is one line naming the flag or the field.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  applyConfigOverrides,
  configFieldErrors,
  ConfigOverrideError,
  DEFAULT_SHARED_DIR,
  findPreset,
  parseConfigOverride,
  runConfigInputSchema,
  type RunConfig,
  type RunConfigInput,
} from '@ktlab/config';
import { configFormatOf, parseConfigText } from '@ktlab/config/config-text';

/** The portal launch form's default dataset: what `ktlab config` fills in without --data. */
export const DEFAULT_DATA = '../shared/datasets/cifar10/train';

export interface ConfigSourceOptions {
  preset?: string;
  config?: string;
  /** --set arguments, in order (absent: none). */
  set?: string[];
  data?: string;
  test?: string;
  quick: boolean;
  seed?: string;
  limit?: string;
  referencePermutations: boolean;
  method?: string;
  labels?: string;
}

export interface ResolveOptions {
  /** `run` needs --data with a preset; `config` fills in DEFAULT_DATA. */
  requireData: boolean;
  /** `run` makes --data and --test absolute (it reads them here); `config` and `submit` keep them as typed. */
  absolutePaths: boolean;
  /** Where the reference permutation files are named from. */
  sharedDir: string;
}

export interface CliConfig {
  config: RunConfig;
  /** The preset's id, --method, or `custom` for a config file. */
  method: string;
  /** A short name for run folders: the preset's id or the config file's base name. */
  label: string;
  seed: number;
}

/** A refusal of the command line: each line names the flag or the config field (`config.pretext.epochs: …`). */
export class CliConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'CliConfigError';
  }
}

export function addConfigSourceOptions(command: Command, presetOption = true): Command {
  if (presetOption) command.option('--preset <id>', 'method, e.g. cc-jigsaw++ (see `ktlab presets`)');
  return command
    .option('--config <file>', 'a run config in YAML (.yaml, .yml) or JSON (.json), e.g. from `ktlab config <preset>`')
    .option('--set <path=value>', 'set one config field (repeatable): --set pretext.epochs=10 --set clustering.k=100; the value is JSON where it parses, else text', collect)
    .option('--data <folder>', 'with --preset: training images, <folder>/<class>/*.jpg or a flat folder')
    .option('--test <folder>', 'with --preset: labelled images to evaluate on (default: 20% held out of --data)')
    .option('--quick', 'with --preset: the CPU-sized variant of the preset', false)
    .option('--seed <n>', 'with --preset: random seed (default 0)')
    .option('--limit <n>', 'with --preset: use at most this many training images')
    .option('--reference-permutations', 'with --preset: train the pretext with the permutation set the papers released (shared/reference)', false)
    .option('--method <name>', 'the run\'s method in the portal and run.json (default: the preset, or "custom" for --config)')
    .option('--labels <file>', 'train cluster classification on pseudo-labels from a file (CSV path,label; JSON lines; .npy with --set clustering.labelsFile.imageList=<list>) instead of clustering: sets clustering.source=file');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const PRESET_ONLY: [keyof ConfigSourceOptions, string][] = [
  ['data', '--data'],
  ['test', '--test'],
  ['quick', '--quick'],
  ['seed', '--seed'],
  ['limit', '--limit'],
  ['referencePermutations', '--reference-permutations'],
];

function readConfigFile(file: string): Record<string, unknown> {
  const format = configFormatOf(file);
  if (!format) throw new CliConfigError([`--config ${file}: unknown format "${extname(file) || '(no extension)'}"; name the file .yaml, .yml or .json`]);
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliConfigError([`--config ${file}: cannot read it${code === 'ENOENT' ? ': no such file' : `: ${(error as Error).message}`}`]);
  }
  try {
    return parseConfigText(text, format, file);
  } catch (error) {
    throw new CliConfigError([`--config ${(error as Error).message}`]);
  }
}

function presetInput(id: string, options: ConfigSourceOptions, resolveOptions: ResolveOptions): { input: RunConfigInput; preset: string } {
  let preset;
  try {
    preset = findPreset(id);
  } catch (error) {
    throw new CliConfigError([(error as Error).message]);
  }
  if (preset.needsData && !options.data && resolveOptions.requireData) throw new CliConfigError([`--data <folder> is required with --preset ${preset.id}`]);
  const path = (folder: string) => (resolveOptions.absolutePaths ? resolve(folder) : folder);
  const data = { path: path(options.data ?? DEFAULT_DATA), ...(options.limit !== undefined ? { limit: Number(options.limit) } : {}) };
  const input = preset.build({
    data,
    quick: options.quick,
    seed: options.seed !== undefined ? Number(options.seed) : 0,
    referencePermutations: options.referencePermutations,
    sharedDir: resolveOptions.sharedDir,
  });
  if (input.kind === 'pipeline' && options.test) {
    // The quick variant scores on 2,000 test images, enough to rank methods at its scale.
    const test = { path: path(options.test), ...(options.quick ? { limit: 2_000 } : {}) };
    input.evaluation = { ...input.evaluation, test, train: input.data };
  }
  return { input, preset: preset.id };
}

/** The validated config of a command line, or a CliConfigError listing every problem. */
export function resolveCliConfig(options: ConfigSourceOptions, resolveOptions: ResolveOptions): CliConfig {
  if (options.preset && options.config) throw new CliConfigError(['give --preset <id> or --config <file>, not both']);
  if (!options.preset && !options.config) throw new CliConfigError(['give --preset <id> (see `ktlab presets`) or --config <file>']);
  let base: unknown;
  let label: string;
  let method: string;
  if (!options.preset) {
    const misplaced = PRESET_ONLY.filter(([key]) => options[key] !== undefined && options[key] !== false).map(([, flag]) => flag);
    if (misplaced.length > 0) {
      throw new CliConfigError([`${misplaced.join(', ')} ${misplaced.length === 1 ? 'applies' : 'apply'} to --preset; with --config set the field in the file or with --set (e.g. --set data.path=<folder>)`]);
    }
    const file = options.config as string;
    base = readConfigFile(file);
    label = basename(file, extname(file));
    method = options.method ?? 'custom';
  } else {
    const { input, preset } = presetInput(options.preset, options, resolveOptions);
    base = input;
    label = preset;
    method = options.method ?? preset;
  }
  if (options.labels !== undefined) {
    const path = resolveOptions.absolutePaths ? resolve(options.labels) : options.labels;
    base = applyConfigOverrides(base, [
      { path: 'clustering.source', value: 'file' },
      { path: 'clustering.labelsFile.path', value: path },
    ]);
  }
  let input: Record<string, unknown>;
  try {
    input = applyConfigOverrides(base, (options.set ?? []).map(parseConfigOverride));
  } catch (error) {
    if (error instanceof ConfigOverrideError) throw new CliConfigError([error.message]);
    throw error;
  }
  const parsed = runConfigInputSchema.safeParse(input);
  if (!parsed.success) throw new CliConfigError(configFieldErrors(parsed.error).map((error) => `config.${error.path}: ${error.message}`));
  return { config: parsed.data, method, label, seed: parsed.data.seed };
}

/** Runs `resolve`, printing a CliConfigError line by line and exiting with 2. */
export function resolveOrExit(command: string, resolve: () => CliConfig): CliConfig {
  try {
    return resolve();
  } catch (error) {
    if (!(error instanceof CliConfigError)) throw error;
    for (const line of error.lines) console.error(`ktlab ${command}: ${line}`);
    process.exit(2);
  }
}

export { DEFAULT_SHARED_DIR };
