/** Messages between PuzzleSource (main thread) and its puzzle workers. */
import type { PuzzleBatch, PuzzleConfigInput } from '@ktlab/jigsaw';

export interface PuzzleWorkerData {
  readonly images: {
    /** The stack's bytes, shared by all workers (never copied). */
    readonly buffer: SharedArrayBuffer;
    readonly byteOffset: number;
    readonly count: number;
    readonly height: number;
    readonly width: number;
    readonly channels: 1 | 3;
  };
  readonly permutationOrders: Uint8Array;
  readonly config: PuzzleConfigInput;
  readonly batchSize: number;
  readonly seed: number;
}

export interface BatchRequest {
  readonly batchIndex: number;
}

export type BatchReply =
  | { readonly kind: 'batch'; readonly batch: PuzzleBatch }
  | { readonly kind: 'error'; readonly batchIndex: number; readonly message: string };
