"""HOG peer for tools/bench/hog.ts: scikit-image's Dalal-Triggs HOG on the same raw uint8 images.

usage: hog.py <images.u8> <count> <size> <cell> <repeats>   ->  JSON {seconds: [...], dims, version}
"""
import json
import sys
import time

import numpy as np
import skimage
from skimage.feature import hog

path, count, size, cell, repeats = sys.argv[1], *map(int, sys.argv[2:6])
images = np.fromfile(path, dtype=np.uint8).reshape(count, size, size, 3)
seconds = []
dims = 0
for _ in range(repeats):
    start = time.perf_counter()
    features = [
        hog(image, orientations=9, pixels_per_cell=(cell, cell), cells_per_block=(2, 2), block_norm="L2-Hys", channel_axis=-1)
        for image in images
    ]
    seconds.append(time.perf_counter() - start)
    dims = int(features[0].shape[0])
print(json.dumps({"seconds": seconds, "dims": dims, "version": skimage.__version__}))
