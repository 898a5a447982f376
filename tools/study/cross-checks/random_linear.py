"""Cross-check of the study's Random row in PyTorch: the linear probe on a never-trained AlexNet-style net.

The medium study's Random row (ktlab, tf.js) scores 56% on its best conv layer where issue #17 expected 35-45%.
This script rebuilds the same measurement independently: the pipeline's AlexNet-style trunk (from the train
bench's peer, tools/bench/peers/train.py), initialised by PyTorch's own generator (He-normal kernels, truncated at
2 std, as tf.js's heNormal; batch norm at its default statistics, as the Random row evaluates it), features at each
conv block's ReLU max-pooled to the grid ktlab's poolToMaxDims picks (at most 9,216 dims), standardised with the
training features' mean and std, and a softmax classifier trained with Adam (lr 1e-3, batch 256, N(0, 0.01)
weights) for the same epochs on the same 50,000 train-split images, scored on the 10,000 test images. It also
scores the same probe on the raw pixels (3,072 dims), the classic reference for what a linear classifier alone
reaches on CIFAR-10.

If PyTorch's random net lands where ktlab's does, the anchor's range does not fit this net and probe (a property
of random conv features of 32x32 images, not a ktlab bug); if it lands in the range, ktlab's Random row is wrong.

Usage: /usr/bin/python3 tools/study/cross-checks/random_linear.py --data <root with train/ and test/>
       [--seeds 0,1,2] [--epochs 10] [--threads 2] [--train-limit N] [--test-limit N] [--width 0.25] [--size 32]
       --out <file.json>
(`npm run study -- --scale medium --cross-check random-linear` runs it with the scale's settings.)
Prints one JSON line per seed as it finishes and writes the whole result to --out.
"""
import argparse
import json
import math
import os
import platform
import sys
import time

import numpy as np

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
    from PIL import Image
except ImportError as missing:
    print(f"{missing.name} is not installed: apt-get install -y python3-torch python3-pil", file=sys.stderr)
    sys.exit(3)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "peers"))
from train import trunk  # noqa: E402  (the pipeline's nets, written in PyTorch for the train bench)

PROBE_MAX_DIMS = 9216
TAPS = ("conv1", "conv2", "conv3", "conv4", "conv5")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")


def load_split(root, limit, size):
    """Images of <root>/<class>/* in ktlab's order (classes sorted, files sorted), as uint8 N x size x size x 3."""
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    files = [(c, f) for c, name in enumerate(classes) for f in sorted(os.listdir(os.path.join(root, name))) if f.lower().endswith(IMAGE_EXTENSIONS)]
    if limit:
        # A seeded subset spread over the classes (tests and trial runs), not the first classes only.
        chosen = np.random.default_rng(0).permutation(len(files))[:limit]
        files = [files[i] for i in sorted(chosen)]
    images = np.empty((len(files), size, size, 3), dtype=np.uint8)
    labels = np.empty(len(files), dtype=np.int64)
    for i, (label, name) in enumerate(files):
        with Image.open(os.path.join(root, classes[label], name)) as image:
            images[i] = np.asarray(image.convert("RGB").resize((size, size), Image.BILINEAR))
        labels[i] = label
    return images, labels, classes


def pool_to_max_dims(height, width, channels, max_dims=PROBE_MAX_DIMS):
    """libs/models poolToMaxDims: the largest square grid (capped by the map) whose features fit max_dims."""
    for side in range(max(height, width), 1, -1):
        grid = (min(height, side), min(width, side))
        if grid[0] * grid[1] * channels <= max_dims:
            return grid
    return (1, 1)


def random_trunk(width, size, seed):
    torch.manual_seed(seed)
    net, _ = trunk("alexnet", width, size)
    for module in net.modules():
        if isinstance(module, nn.Conv2d):
            fan_in = module.in_channels * module.kernel_size[0] * module.kernel_size[1]
            std = math.sqrt(2.0 / fan_in)
            nn.init.trunc_normal_(module.weight, 0.0, std, -2 * std, 2 * std)
    return net.eval()


def tap_features(net, images, batch=500):
    """{tap: float32 N x dims}: each conv block's ReLU output, adaptive-max-pooled to ktlab's probe grid, HWC order."""
    outputs = {}
    hooks = [getattr(net, f"{tap}_relu").register_forward_hook(lambda _m, _i, out, tap=tap: outputs.__setitem__(tap, out)) for tap in TAPS]
    features = {}
    with torch.no_grad():
        for start in range(0, len(images), batch):
            x = torch.from_numpy(images[start:start + batch]).permute(0, 3, 1, 2).float() / 255.0
            net(x)
            for tap in TAPS:
                out = outputs[tap]
                grid = pool_to_max_dims(out.shape[2], out.shape[3], out.shape[1])
                pooled = F.adaptive_max_pool2d(out, grid).permute(0, 2, 3, 1).reshape(out.shape[0], -1)
                if tap not in features:
                    features[tap] = np.empty((len(images), pooled.shape[1]), dtype=np.float32)
                features[tap][start:start + batch] = pooled.numpy()
    for hook in hooks:
        hook.remove()
    return features


def linear_probe(train_x, train_y, test_x, test_y, classes, epochs, seed, batch=256):
    """ktlab's linearProbe: standardise with the train features (population std, constant features zeroed), Adam."""
    mean = train_x.mean(axis=0, dtype=np.float64)
    variance = (train_x.astype(np.float64) ** 2).mean(axis=0) - mean ** 2
    scale = np.where(variance > 1e-12, 1 / np.sqrt(np.maximum(variance, 1e-300)), 0.0)
    xs = torch.from_numpy(((train_x - mean) * scale).astype(np.float32))
    xt = torch.from_numpy(((test_x - mean) * scale).astype(np.float32))
    ys = torch.from_numpy(train_y)
    generator = torch.Generator().manual_seed(seed)
    weights = (torch.randn(xs.shape[1], classes, generator=generator) * 0.01).requires_grad_()
    bias = torch.zeros(classes, requires_grad=True)
    optimizer = torch.optim.Adam([weights, bias], lr=1e-3)
    for _ in range(epochs):
        order = torch.randperm(len(xs), generator=generator)
        for start in range(0, len(xs), batch):
            rows = order[start:start + batch]
            loss = F.cross_entropy(xs[rows] @ weights + bias, ys[rows])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        predicted = (xt @ weights + bias).argmax(1).numpy()
    return float((predicted == test_y).mean())


def cpu_description():
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and model == "unknown CPU":
                    model = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    isa = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
    return {"cpuModel": model, "isa": isa, "cores": os.cpu_count()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a folder with train/<class>/* and test/<class>/*")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--width", type=float, default=0.25)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--size", type=int, default=32, help="image side the net takes (images are resized to it)")
    parser.add_argument("--train-limit", type=int, default=0, help="at most this many train-split images (0: all)")
    parser.add_argument("--test-limit", type=int, default=0, help="at most this many test-split images (0: all)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    for split in ("train", "test"):
        if not os.path.isdir(os.path.join(args.data, split)):
            print(f"--data {args.data}: no {split}/ folder (expected {split}/<class>/*.jpg)", file=sys.stderr)
            sys.exit(2)
    torch.set_num_threads(args.threads)
    started = time.time()
    train_images, train_labels, classes = load_split(os.path.join(args.data, "train"), args.train_limit, args.size)
    test_images, test_labels, test_classes = load_split(os.path.join(args.data, "test"), args.test_limit, args.size)
    if classes != test_classes:
        print(f"train classes {classes} differ from test classes {test_classes}", file=sys.stderr)
        sys.exit(2)
    result = {
        "what": "linear probe on a never-trained AlexNet-style net (PyTorch), issue #17's Random anchor cross-check",
        "net": {"arch": "alexnet", "widthMultiplier": args.width, "imageSize": args.size, "init": "He normal (truncated at 2 std), batch norm at default statistics"},
        "probe": {"optimizer": "Adam", "learningRate": 1e-3, "batchSize": 256, "epochs": args.epochs, "maxDims": PROBE_MAX_DIMS, "standardised": True},
        "images": {"train": int(len(train_labels)), "test": int(len(test_labels))},
        "machine": {**cpu_description(), "threads": torch.get_num_threads(), "torch": torch.__version__},
        "seeds": [],
    }
    for seed in (int(s) for s in args.seeds.split(",")):
        net = random_trunk(args.width, args.size, seed)
        train_features = tap_features(net, train_images)
        test_features = tap_features(net, test_images)
        layers = {}
        for tap in TAPS:
            top1 = linear_probe(train_features[tap], train_labels, test_features[tap], test_labels, len(classes), args.epochs, seed)
            layers[tap] = {"dims": int(train_features[tap].shape[1]), "top1": top1}
        del train_features, test_features
        pixels = linear_probe(
            train_images.reshape(len(train_images), -1).astype(np.float32), train_labels,
            test_images.reshape(len(test_images), -1).astype(np.float32), test_labels, len(classes), args.epochs, seed,
        )
        entry = {"seed": seed, "layers": layers, "pixels": {"dims": int(train_images[0].size), "top1": pixels}}
        result["seeds"].append(entry)
        print(json.dumps(entry), flush=True)
    result["wallSeconds"] = round(time.time() - started, 1)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as out:
        json.dump(result, out, indent=2)
        out.write("\n")


if __name__ == "__main__":
    main()
