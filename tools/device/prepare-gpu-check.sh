#!/usr/bin/env bash
# Prepares the one run that measures issue #15's GPU figures on a lent GPU machine (which has no Node.js and
# no network): builds the device bundle and a small CIFAR-10 folder for the quick pipeline, checks that both fit
# the 64 MiB a device call may carry, and prints the call to make.
#
#   tools/device/prepare-gpu-check.sh [cifar10 root]   (default: $KTLAB_SHARED/datasets/cifar10 or ../shared/…)
#
# Writes .device-bundle/ (npm run device:bundle) and .device-data/cifar10-quick/{train,test}/<class>/ — the first
# 500 training and 100 test images of each class (the quick preset reads 5,000 training images).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
shared=${KTLAB_SHARED:-$root/../shared}
cifar=${1:-$shared/datasets/cifar10}
[ -d "$cifar/train" ] && [ -d "$cifar/test" ] || { echo "no CIFAR-10 folders under $cifar (train/, test/)" >&2; exit 1; }

npm run -s device:bundle

data=.device-data/cifar10-quick
rm -rf "$data"
for split in train:500 test:100; do
  name=${split%%:*}
  per_class=${split##*:}
  for class_dir in "$cifar/$name"/*/; do
    class=$(basename "$class_dir")
    mkdir -p "$data/$name/$class"
    find "$class_dir" -maxdepth 1 -type f -name '*.jpg' | sort | sed -n "1,${per_class}p" | xargs -r cp -t "$data/$name/$class"
  done
done

bytes=$(du -cb .device-bundle "$data" | tail -1 | cut -f1)
limit=$((64 * 1024 * 1024))
echo "carry: .device-bundle + $data = $((bytes / 1024 / 1024)) MiB (limit 64 MiB)"
[ "$bytes" -le "$limit" ] || { echo "too large to carry in one call" >&2; exit 1; }
echo 'device calls (each ≤ 10 min; 15 min of device time in all, starts included):'
echo '  run(command="bash tools/device/gpu-check.sh smoke quick kmeans-pca train", carry=[".device-bundle", ".device-data"], timeout_s=590)'
echo '  run(command="bash tools/device/gpu-check.sh kmeans-paper", carry=[".device-bundle"], timeout_s=590)   # on the same warm machine'
