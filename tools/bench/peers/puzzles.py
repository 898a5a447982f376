"""Peer for `npm run bench -- puzzles`: Jigsaw / Jigsaw++ puzzle sampling in numpy, written the way the
paper's Caffe Python data layer does it (a Python loop over images and tiles, numpy per tile), with the same
geometry, colour handling and normalisation as ktlab's PuzzleSampler.

Reads a raw uint8 N x H x W x 3 file, prints one JSON object: {"puzzles_per_s": [one value per repeat]}.
"""
import argparse
import json
import sys
import time

try:
    import numpy as np
except ImportError:
    print(json.dumps({"missing": "python3-numpy"}))
    sys.exit(0)


def geometry(size):
    crop = 3 * int(size * 225 / 256 // 3)
    cell = crop // 3
    tile = int(cell * 64 / 75)
    shift = min(2, (cell - tile) // 2)
    return crop, cell, tile, shift, cell - tile - shift


LUMA = np.array([0.299, 0.587, 0.114])
V = np.array([1.0, -2.0, 1.0])
PROJECTION = np.eye(3) - np.outer(V, V) / 6.0
GRAY = np.tile(LUMA, (3, 1))


def sample_batch(rng, images, indices, perms, size, max_occluded, p_gray=0.5, p_proj=0.25):
    crop, cell, tile, shift, max_offset = geometry(size)
    h, w = images.shape[1:3]
    batch = len(indices)
    out = np.empty((batch, 9, tile, tile, 3), np.float32)
    labels = np.empty(batch, np.int32)
    crops = [(rng.integers(h - crop + 1), rng.integers(w - crop + 1)) for _ in range(batch)]
    for b, index in enumerate(indices):
        u = rng.random()
        matrix = GRAY if u < p_gray else PROJECTION if u < p_gray + p_proj else None
        label = rng.integers(len(perms))
        labels[b] = label
        sources = [(index, crops[b], k) for k in range(9)]
        count = rng.integers(max_occluded + 1) if max_occluded else 0
        if count:
            donor = rng.integers(batch - 1)
            donor += donor >= b
            for k in rng.choice(9, count, replace=False):
                sources[k] = (indices[donor], crops[donor], rng.integers(9))
        for slot, k in enumerate(perms[label]):
            image, (cy, cx), source_cell = sources[k]
            oy, ox = rng.integers(max_offset + 1, size=2)
            y0 = cy + (source_cell // 3) * cell + oy
            x0 = cx + (source_cell % 3) * cell + ox
            shifts = rng.integers(shift + 1, size=(3, 2))
            window = images[image, y0:y0 + tile + shift, x0:x0 + tile + shift].astype(np.float32)
            if matrix is not None:
                window = window @ matrix.T.astype(np.float32)
            t = np.stack([window[sy:sy + tile, sx:sx + tile, c] for c, (sy, sx) in enumerate(shifts)], axis=-1)
            mean = t.mean(axis=(0, 1))
            std = t.std(axis=(0, 1))
            std[std < 1e-6] = 1.0
            out[b, slot] = (t - mean) / std
    return out, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--occluded", type=int, default=2)
    parser.add_argument("--permutations", type=int, default=701)
    args = parser.parse_args()
    images = np.fromfile(args.images, np.uint8).reshape(args.count, args.size, args.size, 3)
    rng = np.random.default_rng(0)
    perms = np.array([rng.permutation(9) for _ in range(args.permutations)])
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.batches):
            indices = rng.integers(args.count, size=args.batch)
            sample_batch(rng, images, indices, perms, args.size, args.occluded)
        rates.append(args.batches * args.batch / (time.perf_counter() - start))
    print(json.dumps({"puzzles_per_s": rates, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
