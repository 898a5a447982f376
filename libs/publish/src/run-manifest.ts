/**
 * `run.json`: what `ktlab run` records about a run next to its config and results — the method it was launched
 * as, where and when it ran, how long each stage took — so the run can be published later as it happened.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '@ktlab/data';

export const RUN_MANIFEST_FILE = 'run.json';

export const runManifestSchema = z.object({
  version: z.literal(1),
  /** The preset the run was launched from: its method in the portal. */
  preset: z.string().min(1),
  seed: z.number().int(),
  quick: z.boolean(),
  host: z.string().min(1),
  backend: z.string().optional(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  /** Measured seconds of each stage this invocation ran (a stage restored from its checkpoint is absent). */
  stageSeconds: z.record(z.string(), z.number().nonnegative()).default({}),
});
export type RunManifest = z.infer<typeof runManifestSchema>;

export function readRunManifest(runDir: string): RunManifest | undefined {
  const file = join(runDir, RUN_MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = runManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a ktlab run manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function writeRunManifest(runDir: string, manifest: RunManifest): void {
  writeFileAtomic(join(runDir, RUN_MANIFEST_FILE), [Buffer.from(JSON.stringify(runManifestSchema.parse(manifest), null, 2))]);
}
