/**
 * Worker thread of PuzzleSource: builds a sampler over the shared image bytes once, then answers batch
 * requests, transferring (not copying) the result buffers back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPermutationSet, PuzzleSampler } from '@ktlab/jigsaw';
import { BatchOrder } from './batch-order';
import type { BatchReply, BatchRequest, PuzzleWorkerData } from './worker-protocol';

if (!parentPort) throw new Error('puzzle-worker.ts must run as a worker thread (it is started by PuzzleSource)');
const port = parentPort;
const data = workerData as PuzzleWorkerData;
const { buffer, byteOffset, count, height, width, channels } = data.images;
const sampler = new PuzzleSampler({
  images: { data: new Uint8Array(buffer, byteOffset, count * height * width * channels), count, height, width, channels },
  permutations: createPermutationSet(data.permutationOrders),
  config: data.config,
});
const order = new BatchOrder(data.seed, data.batchSize, count);

port.on('message', ({ batchIndex }: BatchRequest) => {
  let reply: BatchReply;
  try {
    const batch = sampler.sample(order.indicesOf(batchIndex), data.seed, batchIndex);
    reply = { kind: 'batch', batch };
    port.postMessage(reply, [batch.tiles.buffer, batch.labels.buffer, batch.occluded.buffer, batch.imageIndices.buffer]);
  } catch (error) {
    reply = { kind: 'error', batchIndex, message: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  }
});
