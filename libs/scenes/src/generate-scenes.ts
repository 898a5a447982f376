import { generateScene, type SceneSource } from './generate-scene.js';
import type { Scene, SplitName } from './scene.js';
import { parseSceneOptions, type SceneOptionsInput } from './scene-options.js';

export interface SceneSplits {
  /** Class names; a scene object's classId indexes them. */
  classes: string[];
  train: Scene[];
  test: Scene[];
}

/**
 * The train and test scenes (options.trainScenes, options.testScenes). Test scenes draw objects and backgrounds
 * only from `sources.test`, so no source image appears in both splits when the two sources are disjoint (the
 * dataset's own train/test folders, or two halves of one folder).
 */
export function generateSceneSplits(sources: Record<SplitName, SceneSource>, optionsInput: SceneOptionsInput = {}): SceneSplits {
  const options = parseSceneOptions(optionsInput);
  const classes = sources.train.classes;
  const testClasses = sources.test.classes;
  if (!classes || !testClasses) throw new Error('scene sources must be labelled (class folders)');
  if (classes.join('\n') !== testClasses.join('\n')) {
    throw new Error(`train and test sources have different classes: [${classes.join(', ')}] vs [${testClasses.join(', ')}]`);
  }
  const make = (split: SplitName, count: number) => Array.from({ length: count }, (_, i) => generateScene(sources[split], options, split, i));
  return { classes: [...classes], train: make('train', options.trainScenes), test: make('test', options.testScenes) };
}
