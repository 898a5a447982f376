"""PyTorch peer of tools/bench/train.ts: the pipeline's nets (libs/models) written in PyTorch, trained by the same step.

Nets, as libs/models builds them for the pipeline:
- classifier: a trunk, then flatten -> fc6 1024 -> ReLU -> dropout 0.5 -> fc7 1024 -> ReLU -> dropout 0.5 -> fc8
  (build-classifier.ts);
- jigsaw: the trunk on every tile, a per-tile fc6 512 + ReLU shared by the tiles, the tiles concatenated in order,
  dropout 0.5, fc7 1024 -> ReLU -> dropout 0.5 -> fc8 over the permutations (jigsaw-net.ts).
Trunks: conv -> batch norm (no conv bias; momentum 0.9 in Keras terms = 0.1 here, eps 1e-5) -> ReLU, 'same'
padding, conv1 5x5 at stride 1 (the pipeline's CONV1), widths max(4, round(base * width)):
- alexnet: conv1 96, pool1 3x3/2, conv2 256 5x5, pool2 3x3/2, conv3 384, conv4 384, conv5 256 (3x3), pool5 3x3/2;
- vgg: five stages of two 3x3 convs (64, 128, 256, 512, 512; conv1_1 is 5x5), each stage ending in a 2x2/2 pool.
Pools are TensorFlow's 'same' max pools: output ceil(size / stride), padding split floor/ceil before/after,
which is PyTorch's padding = before plus ceil_mode when the padding after is one more.
Step: softmax cross-entropy (mean), SGD with momentum 0.9 and weight decay 5e-4 on conv and dense kernels only
(libs/models SgdMomentum), training mode (batch statistics, dropout on).

--device auto (ktlab measured on webgpu) trains on CUDA when torch sees a GPU, float32 without TF32.

Protocol (--serve): prints {"ready": true, "threads", "torch", "mkldnn", "device", "cuda_unavailable_reason",
"layers": [...]} after the warm-up steps,
then answers stdin lines: "round <steps>" runs that many timed steps and prints {"step_ms": [...]}; "quit" prints
{"peak_rss_mb", "threads", "torch"} and exits. "layers" lists every conv, batch norm, dense and pool layer as
{"name", "params", "buffers", "output"} (output: one example's shape channels last, one tile's inside the Jigsaw
trunk), which the bench compares with the tf.js net layer by layer.
Exit code 3 with a message on stderr when torch is not installed.
"""
import argparse
import json
import math
import resource
import sys
import time
from collections import OrderedDict

try:
    import torch
    from torch import nn
except ImportError:
    print("python3-torch is not installed: apt-get install -y python3-torch", file=sys.stderr)
    sys.exit(3)

ALEXNET_WIDTHS = (96, 256, 384, 384, 256)
VGG_STAGE_WIDTHS = (64, 128, 256, 512, 512)
VGG_CONVS_PER_STAGE = (2, 2, 2, 2, 2)
CONV1_KERNEL = 5
CLASSIFIER_HIDDEN = (1024, 1024)
JIGSAW_TILE_FC = 512
JIGSAW_HIDDEN = (1024,)
DROPOUT = 0.5
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4


def scaled_width(base, width_multiplier):
    # JavaScript's Math.round (halves up), not Python's round (halves to even).
    return max(4, math.floor(base * width_multiplier + 0.5))


class TrunkBuilder:
    """Appends named layers to an OrderedDict while tracking channels and spatial size."""

    def __init__(self, size):
        self.layers = OrderedDict()
        self.channels = 3
        self.size = size

    def conv(self, name, filters, kernel):
        self.layers[name] = nn.Conv2d(self.channels, filters, kernel, stride=1, padding=kernel // 2, bias=False)
        self.layers[f"{name}_bn"] = nn.BatchNorm2d(filters, eps=1e-5, momentum=1 - 0.9)
        self.layers[f"{name}_relu"] = nn.ReLU(inplace=True)
        self.channels = filters

    def pool(self, name, kernel, stride):
        out = -(-self.size // stride)
        total = max((out - 1) * stride + kernel - self.size, 0)
        before = total // 2
        self.layers[name] = nn.MaxPool2d(kernel, stride, padding=before, ceil_mode=total - before > before)
        self.size = out

    def flat_size(self):
        return self.channels * self.size * self.size


def trunk(arch, width_multiplier, size):
    builder = TrunkBuilder(size)
    if arch == "alexnet":
        widths = [scaled_width(w, width_multiplier) for w in ALEXNET_WIDTHS]
        builder.conv("conv1", widths[0], CONV1_KERNEL)
        builder.pool("pool1", 3, 2)
        builder.conv("conv2", widths[1], 5)
        builder.pool("pool2", 3, 2)
        builder.conv("conv3", widths[2], 3)
        builder.conv("conv4", widths[3], 3)
        builder.conv("conv5", widths[4], 3)
        builder.pool("pool5", 3, 2)
    else:
        for stage, (base, convs) in enumerate(zip(VGG_STAGE_WIDTHS, VGG_CONVS_PER_STAGE), start=1):
            for index in range(1, convs + 1):
                kernel = CONV1_KERNEL if stage == 1 and index == 1 else 3
                builder.conv(f"conv{stage}_{index}", scaled_width(base, width_multiplier), kernel)
            builder.pool(f"pool{stage}", 2, 2)
    return nn.Sequential(builder.layers), builder.flat_size()


def dense_stack(inputs, hidden, classes, first_fc):
    layers = OrderedDict()
    for offset, units in enumerate(hidden):
        name = f"fc{first_fc + offset}"
        layers[name] = nn.Linear(inputs, units)
        layers[f"{name}_relu"] = nn.ReLU(inplace=True)
        layers[f"{name}_dropout"] = nn.Dropout(DROPOUT)
        inputs = units
    layers[f"fc{first_fc + len(hidden)}"] = nn.Linear(inputs, classes)
    return nn.Sequential(layers)


class Classifier(nn.Module):
    def __init__(self, arch, width_multiplier, size, classes):
        super().__init__()
        self.trunk, flat = trunk(arch, width_multiplier, size)
        self.head = dense_stack(flat, CLASSIFIER_HIDDEN, classes, first_fc=6)

    def forward(self, images):
        return self.head(torch.flatten(self.trunk(images), 1))


class Jigsaw(nn.Module):
    def __init__(self, arch, width_multiplier, tile, classes, tiles):
        super().__init__()
        self.tiles = tiles
        self.tile = tile
        self.trunk, flat = trunk(arch, width_multiplier, tile)
        self.fc6 = nn.Linear(flat, JIGSAW_TILE_FC)
        self.fc6_relu = nn.ReLU(inplace=True)
        self.fc6_dropout = nn.Dropout(DROPOUT)
        self.head = dense_stack(tiles * JIGSAW_TILE_FC, JIGSAW_HIDDEN, classes, first_fc=7)

    def forward(self, puzzles):
        batch = puzzles.shape[0]
        features = self.trunk(puzzles.reshape(batch * self.tiles, 3, self.tile, self.tile))
        # fc6 acts on [puzzles, tiles, features]: the same weights for every tile, as the tf.js Dense on that shape.
        per_tile = self.fc6_relu(self.fc6(features.reshape(batch, self.tiles, -1)))
        return self.head(self.fc6_dropout(torch.flatten(per_tile, 1)))


def channels_last(nchw):
    return [nchw[2], nchw[3], nchw[1]]


def describe_layers(model, example_shape):
    """Every conv, batch norm, dense and pool layer in forward order: weights, buffers and one example's output."""
    described = (nn.Conv2d, nn.BatchNorm2d, nn.Linear, nn.MaxPool2d)
    outputs = {}
    order = []

    def record(name):
        def hook(_module, _inputs, output):
            order.append(name)
            outputs[name] = list(output.shape)
        return hook

    modules = {name.split(".")[-1]: module for name, module in model.named_modules() if isinstance(module, described)}
    handles = [module.register_forward_hook(record(name)) for name, module in modules.items()]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros((1, *example_shape)))
    model.train(was_training)
    for handle in handles:
        handle.remove()
    layers = []
    for name in order:
        module = modules[name]
        buffers = sum(b.numel() for key, b in module.named_buffers(recurse=False) if key in ("running_mean", "running_var"))
        layers.append({
            "name": name,
            "params": sum(p.numel() for p in module.parameters(recurse=False)),
            "buffers": buffers,
            # Conv and pool outputs are NCHW (a trunk sees tiles as its batch); dense ones keep their leading axes.
            "output": channels_last(outputs[name]) if isinstance(module, (nn.Conv2d, nn.BatchNorm2d, nn.MaxPool2d)) else outputs[name][1:],
        })
    return layers


def sgd_momentum(model, learning_rate):
    kernels = [m.weight for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    kernel_ids = {id(p) for p in kernels}
    others = [p for p in model.parameters() if id(p) not in kernel_ids]
    return torch.optim.SGD(
        [{"params": kernels, "weight_decay": WEIGHT_DECAY}, {"params": others, "weight_decay": 0.0}],
        lr=learning_rate,
        momentum=MOMENTUM,
    )


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reply(message):
    print(json.dumps(message), flush=True)


def serve(step, ready):
    reply(ready)
    for line in sys.stdin:
        command = line.split()
        if command[:1] == ["round"] and len(command) == 2 and command[1].isdigit():
            times = []
            for _ in range(int(command[1])):
                started = time.perf_counter()
                step()
                times.append((time.perf_counter() - started) * 1000)
            reply({"step_ms": times})
        elif command == ["quit"]:
            reply({"peak_rss_mb": peak_rss_mb(), "threads": torch.get_num_threads(), "torch": torch.__version__})
            return
        else:
            print(f"unknown command {line.strip()!r}: expected 'round <steps>' or 'quit'", file=sys.stderr)
            sys.exit(2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["classifier", "jigsaw"], required=True)
    parser.add_argument("--arch", choices=["alexnet", "vgg"], required=True)
    parser.add_argument("--width", type=float, required=True, help="width multiplier")
    parser.add_argument("--size", type=int, required=True, help="image side (classifier) or tile side (jigsaw)")
    parser.add_argument("--classes", type=int, required=True)
    parser.add_argument("--tiles", type=int, default=9)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--device", choices=["cpu", "auto"], default="cpu",
                        help="auto: CUDA when torch sees a GPU (ktlab on webgpu), else the CPU")
    parser.add_argument("--serve", action="store_true", help="answer 'round <steps>' / 'quit' lines on stdin")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.kind == "classifier":
        model = Classifier(args.arch, args.width, args.size, args.classes)
        example = (3, args.size, args.size)
    else:
        model = Jigsaw(args.arch, args.width, args.size, args.classes, args.tiles)
        example = (args.tiles, 3, args.size, args.size)
    layers = describe_layers(model, example)
    cuda = args.device == "auto" and torch.cuda.is_available()
    device = torch.device("cuda" if cuda else "cpu")
    if cuda:
        # float32 as on the other side: no TF32 tensor cores.
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    model.to(device)
    model.train()
    optimizer = sgd_momentum(model, args.lr)
    loss_fn = nn.CrossEntropyLoss()
    inputs = torch.rand((args.batch, *example)).to(device)
    labels = torch.randint(0, args.classes, (args.batch,)).to(device)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(inputs), labels)
        loss.backward()
        optimizer.step()
        return loss.item()  # waits for the GPU, as ktlab's step waits for its loss

    for _ in range(args.warmup):
        step()
    ready = {
        "ready": True,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "mkldnn": torch.backends.mkldnn.is_available(),
        "device": f"CUDA ({torch.cuda.get_device_name(0)})" if cuda else "CPU",
        "cuda_unavailable_reason": None if cuda or args.device == "cpu" else f"torch {torch.__version__} sees no CUDA device",
        "layers": layers,
    }
    if args.serve:
        serve(step, ready)
    else:
        reply(ready)


if __name__ == "__main__":
    main()
