/** The seams: every task and protocol the config schema accepts has exactly one implementation, and back. */
import { describe, expect, it } from 'vitest';
import { EVAL_PROTOCOL_INFO, EVAL_PROTOCOLS, PRETEXT_TASKS, pipelineConfigSchema, pretextSchema, type EvalProtocolName } from '@ktlab/config';
import { EVAL_PROTOCOL_REGISTRY, evalProtocol, protocolOfKind } from '../eval/eval-protocols';
import { evaluationCells } from '../stages/evaluate.stage';
import { SHARED_PRETEXT_FIELDS } from './pretext-task';
import { PRETEXT_TASK_REGISTRY, pretextTask } from './pretext-tasks';

describe('the pretext task registry', () => {
  it('implements every task the schema accepts but "none", under its own name', () => {
    expect(Object.keys(PRETEXT_TASK_REGISTRY).sort()).toEqual(PRETEXT_TASKS.filter((task) => task !== 'none').sort());
    for (const [name, task] of Object.entries(PRETEXT_TASK_REGISTRY)) expect(task.name).toBe(name);
  });

  it('gives every pretext config field an owner: shared by all tasks, or read only by the tasks that own it', () => {
    const owned = new Set(Object.values(PRETEXT_TASK_REGISTRY).flatMap((task) => task.ownFields));
    for (const field of SHARED_PRETEXT_FIELDS) expect(owned.has(field), field).toBe(false);
    expect([...SHARED_PRETEXT_FIELDS, ...owned].sort()).toEqual(Object.keys(pretextSchema.shape).sort());
    expect(PRETEXT_TASK_REGISTRY.rotation.ownFields).toEqual([]);
    expect(PRETEXT_TASK_REGISTRY['jigsaw++'].ownFields).toContain('maxOccludedTiles');
    expect(PRETEXT_TASK_REGISTRY.jigsaw.ownFields).not.toContain('maxOccludedTiles');
  });

  it('refuses a name it does not know (a stored config from another version), naming the known ones', () => {
    expect(() => pretextTask('colorization' as never)).toThrow('pretext.task: unknown task "colorization"; known: jigsaw, jigsaw++, rotation');
  });
});

describe('the evaluation protocol registry', () => {
  it('implements every protocol the schema accepts, of the kind and with the table its description gives', () => {
    expect(Object.keys(EVAL_PROTOCOL_REGISTRY).sort()).toEqual([...EVAL_PROTOCOLS].sort());
    for (const name of EVAL_PROTOCOLS) {
      expect(EVAL_PROTOCOL_REGISTRY[name]).toMatchObject({ name, ...EVAL_PROTOCOL_INFO[name] });
    }
    expect(evalProtocol('knn').kind).toBe('frozen-features');
    expect(() => protocolOfKind('finetune', 'frozen-features')).toThrow('eval protocol finetune is a trained protocol, not frozen-features');
    expect(() => evalProtocol('svm' as EvalProtocolName)).toThrow('evaluation.protocols: unknown protocol "svm"; known: linear, knn, nonlinear, finetune, detection, segmentation');
  });

  it('lays out the cells: frozen-feature protocols per layer, then each trained protocol at its layers', () => {
    const evaluation = (fields: object) => pipelineConfigSchema.parse({ kind: 'pipeline', data: { path: '/d' }, evaluation: fields }).evaluation;
    const cells = evaluationCells(evaluation({ protocols: ['finetune', 'knn', 'nonlinear', 'linear'], layers: ['conv2', 'conv4'], nonlinearLayers: ['conv3'] }));
    expect(cells.frozen).toEqual([
      { protocol: 'linear', layer: 'conv2' },
      { protocol: 'knn', layer: 'conv2' },
      { protocol: 'linear', layer: 'conv4' },
      { protocol: 'knn', layer: 'conv4' },
    ]);
    expect(cells.trained).toEqual([
      { protocol: 'nonlinear', layer: 'conv3' },
      { protocol: 'finetune', layer: 'all' },
    ]);
    // The dense protocols report one row per mode (frozen trunk, fine-tuned: `all`), after the classification ones.
    const dense = evaluationCells(evaluation({ protocols: ['segmentation', 'finetune', 'detection'], dense: { modes: ['finetune'] } }));
    expect(dense.trained).toEqual([
      { protocol: 'finetune', layer: 'all' },
      { protocol: 'detection', layer: 'all' },
      { protocol: 'segmentation', layer: 'all' },
    ]);
    expect(evaluationCells(evaluation({ protocols: ['detection'] })).trained.map((c) => c.layer)).toEqual(['frozen', 'all']);
    // Without nonlinearLayers, nonlinear reports at every evaluated layer; a protocol left out has no cells.
    expect(evaluationCells(evaluation({ protocols: ['nonlinear'], layers: ['conv1', 'conv5'] }))).toEqual({
      frozen: [],
      trained: [
        { protocol: 'nonlinear', layer: 'conv1' },
        { protocol: 'nonlinear', layer: 'conv5' },
      ],
    });
  });
});
