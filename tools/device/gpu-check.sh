#!/usr/bin/env bash
# Issue #15's GPU figures in one run, on the lent GPU machine (no Node.js there: everything runs through the
# carried .device-bundle; prepared by tools/device/prepare-gpu-check.sh). Each step's output goes to
# $OUT/<step>.log, a summary of the last lines to $OUT/summary.txt; a failed step does not stop the others.
#
#   bash tools/device/gpu-check.sh [step …]   (from the repository root; OUT defaults to /tmp/gpu-check)
#
# Steps (default: all, ≈ 15 min; a device call may run 10): smoke, quick (CC+Jigsaw++ --quick on 5,000 CIFAR-10
# images), kmeans-pca (1.3M × 256 → 2000), train (the pipeline's nets vs PyTorch CUDA), kmeans-paper
# (1.3M × 8192 → 2000). Two calls fit: `smoke quick kmeans-pca train`, then `kmeans-paper`.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
run=.device-bundle/run.sh
summary=$out/summary.txt
: >"$summary"

# The PyTorch peers need a Python whose torch sees CUDA; Debian's may not be the one.
for python in /usr/bin/python3 "$(command -v python3 || true)" /usr/local/bin/python3 /opt/conda/bin/python3; do
  if [ -x "$python" ] && "$python" -c 'import torch, numpy; assert torch.cuda.is_available()' 2>/dev/null; then
    export KTLAB_PEER_PYTHON=$python
    break
  fi
done
export KTLAB_BACKEND=webgpu

step() {
  local name=$1 seconds=$2
  shift 2
  local start=$SECONDS
  timeout "$seconds" "$@" >"$out/$name.log" 2>&1
  local code=$?
  printf '%-22s exit %-3s %4ss  %s\n' "$name" "$code" "$((SECONDS - start))" "$(tail -n 1 "$out/$name.log")" | tee -a "$summary"
}

{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  echo "peer python: ${KTLAB_PEER_PYTHON:-none with CUDA torch found}"
  "${KTLAB_PEER_PYTHON:-/usr/bin/python3}" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' 2>&1
  grep -m1 'model name' /proc/cpuinfo
} | tee -a "$summary"

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(smoke quick kmeans-pca train kmeans-paper)
for name in "${steps[@]}"; do
  case $name in
    smoke) step smoke 45 "$run" ktlab smoke ;;
    quick) step quick 180 "$run" ktlab run --preset cc-jigsaw++ --data .device-data/cifar10-quick/train --test .device-data/cifar10-quick/test --quick ;;
    kmeans-pca) step kmeans-pca 90 "$run" bench kmeans --backend webgpu --scale imagenet-pca ;;
    train) step train 255 "$run" bench train --backend webgpu --rounds 3 --steps 3 ;;
    kmeans-paper) step kmeans-paper 560 "$run" bench kmeans --backend webgpu --scale paper ;;
    *) echo "unknown step $name (smoke, quick, kmeans-pca, train, kmeans-paper)" | tee -a "$summary" ;;
  esac
done
