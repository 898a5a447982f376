"""Feature-extraction peer for tools/bench/features.ts: ktlab's alexnetSmall at 32x32 rebuilt in PyTorch
(same widths, conv -> BN -> ReLU, 3x3/2 'same' pools), conv4 max-pooled to 5x5, eval mode, no autograd.

usage: features.py <images.u8> <count> <width> <batch> <threads> <repeats>  ->  JSON {seconds: [...], dims, version}
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

path, count, width, batch, threads, repeats = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), *map(int, sys.argv[4:7])
torch.set_num_threads(threads)
torch.manual_seed(1)
widths = [max(4, round(w * width)) for w in (96, 256, 384, 384, 256)]


def block(cin, cout, k):
    return [nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


# tfjs 'same' 3x3/2 pooling on even sizes pads only at the end: pad right/bottom with -inf, then pool.
class SamePool(nn.Module):
    def forward(self, x):
        return F.max_pool2d(F.pad(x, (0, 1, 0, 1), value=float("-inf")), 3, 2)


to_conv4 = nn.Sequential(
    *block(3, widths[0], 5), SamePool(),
    *block(widths[0], widths[1], 5), SamePool(),
    *block(widths[1], widths[2], 3),
    *block(widths[2], widths[3], 3),
).eval()

images = np.fromfile(path, dtype=np.uint8).reshape(count, 32, 32, 3)
seconds = []
dims = 0
with torch.no_grad():
    for _ in range(repeats):
        start = time.perf_counter()
        rows = []
        for i in range(0, count, batch):
            x = torch.from_numpy(images[i : i + batch]).permute(0, 3, 1, 2).float().div_(255)
            pooled = F.adaptive_max_pool2d(to_conv4(x), (5, 5))
            rows.append(pooled.permute(0, 2, 3, 1).reshape(pooled.shape[0], -1).numpy())
        features = np.concatenate(rows)
        seconds.append(time.perf_counter() - start)
        dims = int(features.shape[1])
print(json.dumps({"seconds": seconds, "dims": dims, "version": torch.__version__}))
