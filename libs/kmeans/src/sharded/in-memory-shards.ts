/** `ShardedPoints` for shards held in this process: what one worker alone uses, and what tests compare against. */
import type { DistanceEngine } from '../engine/distance-engine.js';
import type { ShardPartial } from '../lloyd-step.js';
import type { RowBlocks } from '../matrix.js';
import type { ShardedPoints } from './sharded-fit.js';
import { accumulateShardTrainingRows, sampleShardRows, type MapStep } from './shard-steps.js';

export class InMemoryShards implements ShardedPoints {
  readonly shardRows: readonly number[];
  readonly dims: number;
  private readonly firstRows: number[];

  /** `engineFor(shard)` picks the engine that maps a shard (tests use one per simulated worker). */
  constructor(private readonly shards: readonly RowBlocks[], private readonly engineFor: (shard: number) => DistanceEngine) {
    if (shards.length === 0) throw new RangeError('at least one shard is needed');
    this.dims = shards[0].dims;
    if (shards.some((shard) => shard.dims !== this.dims)) throw new RangeError('every shard must have the same number of columns');
    this.shardRows = shards.map((shard) => shard.rows);
    let first = 0;
    this.firstRows = this.shardRows.map((rows) => ((first += rows), first - rows));
  }

  async sample(fraction: number, seed: number, salt: number): Promise<Float32Array[]> {
    return this.shards.map((shard, s) => sampleShardRows(shard, this.firstRows[s], fraction, seed, salt));
  }

  async accumulate(step: MapStep): Promise<ShardPartial[]> {
    const partials: ShardPartial[] = [];
    for (const [s, shard] of this.shards.entries()) {
      partials.push(await accumulateShardTrainingRows(this.engineFor(s), shard, this.firstRows[s], s, step));
    }
    return partials;
  }
}
