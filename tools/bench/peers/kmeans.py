"""Peer for `npm run bench -- kmeans`: faiss k-means on the exact data and initial centroids ktlab uses.

Usage: kmeans.py <config.json>   (written by tools/bench/kmeans.ts)
  config: {"data": "x.npy", "threads": 2, "iterations": 10, "repeats": 3,
           "jobs": [{"name": "main", "rows": 50000, "k": 1000, "iterations": 10, "repeats": 3}, ...]}
Each job clusters the first `rows` rows of x with the first `k` rows as initial centroids, subsampling off
(max_points_per_centroid large), and reports its wall times and per-iteration objective. Also times one
exhaustive nearest-centroid search (IndexFlatL2, k=1) per job: faiss's assignment kernel.
Prints one JSON object on stdout.
"""
import json
import sys
import time

import numpy as np
import faiss


def main() -> None:
    config = json.load(open(sys.argv[1]))
    faiss.omp_set_num_threads(int(config["threads"]))
    x_all = np.load(config["data"])
    results = []
    for job in config["jobs"]:
        x = np.ascontiguousarray(x_all[: job["rows"]])
        init = np.ascontiguousarray(x[: job["k"]])
        d = x.shape[1]
        times, objective = [], None
        for _ in range(job["repeats"]):
            kmeans = faiss.Kmeans(d, job["k"], niter=job["iterations"], max_points_per_centroid=1 << 30,
                                  min_points_per_centroid=1, seed=1234, verbose=False)
            start = time.perf_counter()
            kmeans.train(x, init_centroids=init)
            times.append(time.perf_counter() - start)
            objective = [float(v) for v in kmeans.obj]
        index = faiss.IndexFlatL2(d)
        index.add(init)
        assign_times = []
        for _ in range(job["repeats"]):
            start = time.perf_counter()
            index.search(x, 1)
            assign_times.append(time.perf_counter() - start)
        results.append({"name": job["name"], "seconds": times, "objective": objective, "assign_seconds": assign_times})
    print(json.dumps({"faiss_version": faiss.__version__, "results": results}))


if __name__ == "__main__":
    main()
