"""Peer for `npm run bench -- kmeans --backend webgpu`: Lloyd k-means in PyTorch, on the GPU (CUDA) when this
host has one, else on the CPU with the given threads, over the same points as ktlab.

Usage: kmeans_torch.py <config.json>   (written by tools/bench/support/kmeans-on-gpu.ts)
  config: {"centers": "centers.npy", "pool": "pool.npy", "rows": 50000, "k": 1000, "iterations": 10,
           "repeats": 1, "threads": 2}
The points are tools/bench/support/hashed-mixture.ts's construction, rebuilt here bit for bit: row r is
centers[c(r)] + s(r) * pool[p(r)] (float64, rounded once to float32) with c, p, s from a 32-bit hash of r.
They are made on the host, as ktlab's are; each timed repeat copies them to the device and runs the
iterations (the same work ktlab times). Initial centroids: the first k rows. float32 throughout (TF32 off).
An empty cluster keeps its centroid (ktlab splits one: the inertias may differ once that happens).
Prints one JSON object on stdout.
"""
import json
import sys
import time

import numpy as np
import torch

POOL_ROWS = 1024


def mix_rows(rows: np.ndarray, salt: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = rows.astype(np.uint32) * np.uint32(0x9E3779B1) + np.uint32(salt)
        x ^= x >> np.uint32(16)
        x *= np.uint32(0x85EBCA6B)
        x ^= x >> np.uint32(13)
        x *= np.uint32(0xC2B2AE35)
        x ^= x >> np.uint32(16)
    return x


def make_points(centers: torch.Tensor, pool: torch.Tensor, first: int, count: int) -> torch.Tensor:
    rows = np.arange(first, first + count, dtype=np.uint64).astype(np.uint32)
    component = torch.from_numpy((mix_rows(rows, 1) % np.uint32(centers.shape[0])).astype(np.int64))
    noise = torch.from_numpy((mix_rows(rows, 2) % np.uint32(POOL_ROWS)).astype(np.int64))
    scale = torch.from_numpy(0.5 + (mix_rows(rows, 3) % np.uint32(1024)).astype(np.float64) / 1024)
    values = centers.index_select(0, component).double() + scale.unsqueeze(1) * pool.index_select(0, noise).double()
    return values.float()


def lloyd(host_blocks, k: int, iterations: int, device: torch.device, chunk_rows: int):
    blocks = [block.to(device, non_blocking=False) for block in host_blocks]
    centroids = blocks[0][:k].clone()
    objective = []
    for _ in range(iterations):
        norms = (centroids * centroids).sum(1)
        sums = torch.zeros_like(centroids)
        counts = torch.zeros(k, dtype=torch.float64, device=device)
        inertia = torch.zeros((), dtype=torch.float64, device=device)
        for block in blocks:
            for x in block.split(chunk_rows):
                scores = torch.addmm(norms.unsqueeze(0), x, centroids.t(), beta=1.0, alpha=-2.0)
                best, labels = scores.min(1)
                inertia += (best + (x * x).sum(1)).clamp_min(0).sum(dtype=torch.float64)
                sums.index_add_(0, labels, x)
                counts += torch.bincount(labels, minlength=k).double()
        filled = counts > 0
        centroids = torch.where(filled.unsqueeze(1), sums / counts.clamp_min(1).unsqueeze(1).float(), centroids)
        objective.append(float(inertia))  # one read per iteration, as ktlab's
    return objective


def main() -> None:
    config = json.load(open(sys.argv[1]))
    torch.set_num_threads(int(config["threads"]))
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    cuda = torch.cuda.is_available()
    device = torch.device("cuda" if cuda else "cpu")
    centers = torch.from_numpy(np.load(config["centers"]))
    pool = torch.from_numpy(np.load(config["pool"]))
    dims = centers.shape[1]
    rows, k = int(config["rows"]), int(config["k"])
    block_rows = max(1, (1 << 28) // dims)
    start = time.perf_counter()
    host_blocks = []
    for first in range(0, rows, block_rows):
        block = make_points(centers, pool, first, min(block_rows, rows - first))
        # Pinned block by block: at the paper scale the points alone are 42.6 GB of host memory.
        host_blocks.append(block.pin_memory() if cuda else block)
    generate_seconds = time.perf_counter() - start
    chunk_rows = max(1, min(65536, (1 << 28) // max(1, k)))
    # Warm-up (CUDA context, cuBLAS handles) outside the timing.
    warm = torch.ones(64, dims, device=device)
    torch.mm(warm, warm.t()).sum().item()
    seconds, objective = [], []
    for _ in range(int(config["repeats"])):
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        objective = lloyd(host_blocks, k, int(config["iterations"]), device, chunk_rows)
        if cuda:
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "torch_version": torch.__version__,
        "device": "cuda" if cuda else "cpu",
        "device_name": torch.cuda.get_device_name(0) if cuda else f"CPU, {torch.get_num_threads()} threads",
        "cuda_unavailable_reason": None if cuda else f"torch {torch.__version__} sees no CUDA device (built with CUDA {torch.version.cuda})",
        "generate_seconds": generate_seconds,
        "seconds": seconds,
        "objective": objective,
        # Spot check that both sides cluster the same points: the first 4 values of the first and the last row.
        "spot": [host_blocks[0][0][:4].tolist(), host_blocks[-1][-1][:4].tolist()],
    }))


if __name__ == "__main__":
    main()
