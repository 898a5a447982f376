import nx from '@nx/eslint-plugin';

/**
 * Module boundaries (Nx tags), two axes. Type: apps may use any lib; a feature lib uses data-access and util
 * libs; a data-access lib uses util libs; a util lib uses only util libs. Nothing imports an app.
 * Scope: web (portal, api, db), compute (tf-backend, models, kmeans, jigsaw, data, scenes, eval-metrics,
 * pipeline), shared (config, random, study), worker (trainer, publish) and tool (tools, e2e): see depConstraints.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/node_modules', '**/.next', '**/dist', '**/generated', 'test-results', '.ktlab', 'libs/*/wasm', '**/assembly/**', '**/next-env.d.ts'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:ui'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:util', 'type:data-access'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:ui'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // Scopes: the web side (portal, API, database) never loads TF.js, image decoding or k-means; the
            // compute side never touches the database; only the worker side (trainer, publish) and tools join them.
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
            { sourceTag: 'scope:compute', onlyDependOnLibsWithTags: ['scope:compute', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:worker', 'scope:web', 'scope:compute', 'scope:shared'] },
            { sourceTag: 'scope:tool', onlyDependOnLibsWithTags: ['scope:worker', 'scope:web', 'scope:compute', 'scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The trainer is the worker's transport (claim, heartbeat, files over HTTP): k-means runs behind libs/pipeline
    // (its sharding and run-file formats), never called from here. A tag constraint cannot say this: Nx checks
    // notDependOnLibsWithTags transitively, and the pipeline itself uses k-means.
    files: ['apps/trainer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@ktlab/kmeans', '@ktlab/kmeans/*'], message: 'the trainer reaches k-means through @ktlab/pipeline (executeShardTask, run-file readers)' }] },
      ],
    },
  },
  {
    // Tests assert on values they just built; a non-null assertion there documents the expectation.
    files: ['**/*.test.ts', 'e2e/**/*.ts', '**/testing/**/*.ts', '**/test-support/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
