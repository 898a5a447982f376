/**
 * The pretext task registry: one entry per `pretext.task` the config schema accepts (`none` runs no pretext
 * stage). Typed against the schema's list, so a task named there without an implementation here does not compile.
 */
import type { PretextTaskName } from '@ktlab/config';
import { jigsaw, jigsawPlusPlus } from './jigsaw.pretext';
import type { PretextTask } from './pretext-task';
import { rotation } from './rotation.pretext';

export const PRETEXT_TASK_REGISTRY: Readonly<Record<Exclude<PretextTaskName, 'none'>, PretextTask>> = {
  jigsaw,
  'jigsaw++': jigsawPlusPlus,
  rotation,
};

export function pretextTask(name: Exclude<PretextTaskName, 'none'>): PretextTask {
  const task = PRETEXT_TASK_REGISTRY[name];
  // Configs are schema-checked before they get here; a stored config from another version may still name anything.
  if (!task) throw new Error(`pretext.task: unknown task "${String(name)}"; known: ${Object.keys(PRETEXT_TASK_REGISTRY).join(', ')}`);
  return task;
}
