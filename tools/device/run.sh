#!/bin/sh
# The device bundle's launcher (written by `npm run device:bundle`): runs ktlab on a Linux x86-64 host that has
# no Node.js and no network.
#
#   run.sh ktlab <command…>     e.g. run.sh ktlab smoke,  run.sh ktlab run --preset cc-jigsaw++ --data <folder> --quick
#   run.sh bench <name> <options…>   e.g. run.sh bench train --backend webgpu
#
# Unpacks the gzipped files (Node, native addons, the large scripts) in a copy under $TMPDIR (/tmp; next to
# themselves if that is not writable); puts the bundled Vulkan loader on LD_LIBRARY_PATH and, unless VK_DRIVER_FILES or
# VK_ICD_FILENAMES is set, selects NVIDIA's Vulkan driver where its ICD file exists. KTLAB_* variables pass
# through (KTLAB_BACKEND=webgpu forces the GPU backend; KTLAB_HOME, where runs go, defaults to
# that copy's .ktlab).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
case "${1:-}" in
  ktlab | bench) entry=$1; shift ;;
  *)
    echo "usage: $0 ktlab <command…> | bench <name> <options…>" >&2
    exit 2
    ;;
esac

# Unpacked into a copy under $TMPDIR, so the bundle itself stays small enough to carry again; keyed by the
# build (VERSIONS holds its time), so a rebuilt bundle never runs stale files.
stamp=$(cksum <"$here/VERSIONS" | cut -d' ' -f1)
runtime=${TMPDIR:-/tmp}/ktlab-device-bundle-$(id -u)-$stamp
if [ ! -d "$runtime" ]; then
  if mkdir -p "$(dirname "$runtime")" 2>/dev/null && cp -R "$here" "$runtime.$$.partial" 2>/dev/null; then
    mv "$runtime.$$.partial" "$runtime"
  else
    rm -rf "$runtime.$$.partial"
    runtime=$here
  fi
fi

# Each file is written under a temporary name and renamed, so concurrent runs never see half a binary.
find "$runtime" -name '*.gz' -type f | while read -r packed; do
  unpacked=${packed%.gz}
  if [ ! -f "$unpacked" ] || [ "$packed" -nt "$unpacked" ]; then
    gunzip -c "$packed" >"$unpacked.$$.partial"
    chmod 755 "$unpacked.$$.partial"
    mv -f "$unpacked.$$.partial" "$unpacked"
  fi
done

export LD_LIBRARY_PATH="$runtime/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -z "${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
      break
    fi
  done
fi
export KTLAB_HOME="${KTLAB_HOME:-$runtime/.ktlab}"

exec "$runtime/bin/node" "$runtime/$entry.mjs" "$@"
