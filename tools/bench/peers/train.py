"""PyTorch peer of tools/bench/train.ts: the same two nets, the same step (forward, backward, plain SGD).

Prints one JSON line: {"net", "images_per_s", "step_ms", "peak_rss_mb", "threads", "torch"}.
With --serve it instead warms up, prints {"ready": true, "threads", "torch"} and then answers stdin lines:
"round <steps>" runs that many timed steps and prints {"step_ms": [...]}; "quit" prints
{"peak_rss_mb", "threads", "torch"} and exits. The train bench uses it to alternate rounds with ktlab while
both sides stay warm (the idle side blocks, so it does not compete for the cores).
Exit code 3 with a message on stderr when torch is not installed.
"""
import argparse
import json
import resource
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    print("python3-torch is not installed: apt-get install -y python3-torch", file=sys.stderr)
    sys.exit(3)


def conv_stack():
    # 'same' padding, ReLU after each conv, 2x2/2 max pools (floor), as the tf.layers net.
    return [
        nn.Conv2d(3, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(64, 128, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(128, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
    ]


class AlexNetStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(*conv_stack(), nn.Linear(4 * 4 * 256, 512), nn.ReLU(), nn.Linear(512, 10))

    def forward(self, x):
        return self.net(x)


class JigsawSiamese(nn.Module):
    TILES = 9

    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(*conv_stack(), nn.Linear(3 * 3 * 256, 512), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(self.TILES * 512, 1024), nn.ReLU(), nn.Linear(1024, 100))

    def forward(self, x):
        puzzles = x.shape[0]
        features = self.trunk(x.reshape(puzzles * self.TILES, 3, 27, 27))
        return self.head(features.reshape(puzzles, self.TILES * 512))


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reply(message):
    print(json.dumps(message), flush=True)


def serve(step):
    reply({"ready": True, "threads": torch.get_num_threads(), "torch": torch.__version__})
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
    parser.add_argument("--net", choices=["alexnet", "jigsaw"], required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--serve", action="store_true", help="answer 'round <steps>' / 'quit' lines on stdin")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.net == "alexnet":
        model, shape, classes = AlexNetStyle(), (args.batch, 3, 32, 32), 10
    else:
        model, shape, classes = JigsawSiamese(), (args.batch, 9, 3, 27, 27), 100
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    inputs = torch.rand(shape)
    labels = torch.randint(0, classes, (args.batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(inputs), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    if args.serve:
        serve(step)
        return
    times = []
    for _ in range(args.steps):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(json.dumps({
        "net": args.net,
        "images_per_s": args.batch / median,
        "step_ms": median * 1000,
        "peak_rss_mb": peak_rss_mb(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
