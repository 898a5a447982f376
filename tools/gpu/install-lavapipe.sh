#!/usr/bin/env bash
# Installs Mesa's lavapipe (a Vulkan driver that runs on the CPU) where the webgpu tests find it, without
# touching the system's packages: Debian's own Mesa (22.3 on bookworm) is too old for Dawn, so Mesa from the
# <codename>-backports suite of this machine's own Debian mirror is unpacked (dpkg -x) into a git-ignored
# folder, with the libraries it needs that the system lacks or has too old (libdrm, the Vulkan loader, …).
#
#   tools/gpu/install-lavapipe.sh [folder]     (default: <repo>/.gpu/lavapipe, or $KTLAB_LAVAPIPE_DIR)
#
# Writes <folder>/lvp_icd.json (the ICD, library_path absolute) and <folder>/env.sh; the tf-backend tests read
# the folder themselves. For other processes: `. <folder>/env.sh` (sets VK_ICD_FILENAMES, VK_DRIVER_FILES,
# LD_LIBRARY_PATH), then e.g. KTLAB_BACKEND=webgpu. apt runs with a private sources list, lists and cache
# under the folder: /etc/apt and the installed packages are left as they are. Needs network access to the
# mirror; rerunning with the folder complete does nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-${KTLAB_LAVAPIPE_DIR:-$root/.gpu/lavapipe}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [ -f "$dir/complete" ] && [ -f "$dir/lvp_icd.json" ]; then
  echo "lavapipe: already installed in $dir ($(cat "$dir/complete"))"
  exit 0
fi

. /etc/os-release
codename=${VERSION_CODENAME:-}
if [ "${ID:-}" != debian ] || [ -z "$codename" ]; then
  echo "lavapipe: this script needs Debian (found ${PRETTY_NAME:-an unknown system}); install Mesa >= 24's mesa-vulkan-drivers another way" >&2
  exit 1
fi
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")

# The machine's own Debian archive: the first deb source whose suites include the release's codename.
# deb822 files (*.sources) first, then one-line lists; prints "URI<TAB>Signed-By".
archive=$(
  {
    for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && cat "$f" && printf '\n\n'; done
  } | awk -v codename="$codename" '
    BEGIN { RS = ""; FS = "\n" }
    {
      types = ""; uris = ""; suites = ""; signed = ""
      for (i = 1; i <= NF; i++) {
        line = $i
        if (line ~ /^[ \t]*#/) continue
        split(line, kv, ":")
        key = kv[1]; value = substr(line, length(key) + 2); gsub(/^[ \t]+|[ \t]+$/, "", value)
        if (key == "Types") types = value
        else if (key == "URIs") uris = value
        else if (key == "Suites") suites = value
        else if (key == "Signed-By") signed = value
      }
      if ((" " types " ") ~ / deb / && (" " suites " ") ~ (" " codename " ") && uris != "") {
        split(uris, u, " "); print u[1] "\t" signed; exit
      }
    }'
)
if [ -z "$archive" ]; then
  archive=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v codename="$codename" '
    $1 == "deb" {
      signed = ""; i = 2
      if ($2 ~ /^\[/) { for (; i <= NF; i++) { if ($i ~ /signed-by=/) { signed = $i; sub(/.*signed-by=/, "", signed); sub(/\]$/, "", signed) } if ($i ~ /\]$/) break } i++ }
      if ($(i + 1) == codename) { print $i "\t" signed; exit }
    }')
fi
if [ -z "$archive" ]; then
  echo "lavapipe: no apt source for Debian $codename found in /etc/apt/sources.list*" >&2
  exit 1
fi
mirror=${archive%%$'\t'*}
signed_by=${archive#*$'\t'}
[ -n "$signed_by" ] || signed_by=/usr/share/keyrings/debian-archive-keyring.gpg
echo "lavapipe: using $mirror ($codename, $codename-backports)"

# A private apt: its own sources list (the machine's archive with the backports suite added), lists and cache.
apt_dir=$dir/apt
rm -rf "$apt_dir" "$dir/debs" "$dir/root"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dir/debs"
cat >"$apt_dir/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $codename $codename-backports
Components: main
Signed-By: $signed_by
EOF
apt_options=(
  -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root" -q
)
apt-get "${apt_options[@]}" update >/dev/null

backports_version() {
  apt-cache "${apt_options[@]}" madison "$1" | awk -F'|' -v suite="$codename-backports" '$3 ~ suite { gsub(/ /, "", $2); print $2; exit }'
}
mesa_version=$(backports_version mesa-vulkan-drivers)
if [ -z "$mesa_version" ]; then
  echo "lavapipe: mesa-vulkan-drivers is not in $codename-backports on $mirror" >&2
  exit 1
fi

# What installing it would bring (resolved against this machine's installed packages, simulated only):
# the libraries the system lacks or has too old. mesa-vulkan-drivers itself is always taken.
# (`package/suite` lets apt take the dependencies from backports too where the versions require it.)
simulated=$(apt-get "${apt_options[@]}" -s install --no-install-recommends "mesa-vulkan-drivers/$codename-backports" libvulkan1)
packages=("mesa-vulkan-drivers=$mesa_version")
while read -r package version; do
  [ "$package" = mesa-vulkan-drivers ] || packages+=("$package=$version")
done < <(awk '$1 == "Inst" { for (i = 3; i <= NF; i++) if ($i ~ /^\(/) { v = $i; sub(/^\(/, "", v); print $2, v; break } }' <<<"$simulated")
echo "lavapipe: unpacking ${packages[*]}"
(cd "$dir/debs" && apt-get "${apt_options[@]}" download "${packages[@]}" >/dev/null)
for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done

lib=$dir/root/usr/lib/$multiarch
if [ ! -f "$lib/libvulkan_lvp.so" ]; then
  echo "lavapipe: $lib/libvulkan_lvp.so missing after unpacking" >&2
  exit 1
fi
api_version=$(sed -n 's/.*"api_version": *"\([^"]*\)".*/\1/p' "$dir/root/usr/share/vulkan/icd.d/lvp_icd.json")
cat >"$dir/lvp_icd.json" <<EOF
{
    "file_format_version": "1.0.0",
    "ICD": { "library_path": "$lib/libvulkan_lvp.so", "api_version": "${api_version:-1.3.0}" }
}
EOF
cat >"$dir/env.sh" <<EOF
# Selects lavapipe from $dir for Vulkan (and so for Dawn / KTLAB_BACKEND=webgpu).
export VK_ICD_FILENAMES=$dir/lvp_icd.json VK_DRIVER_FILES=$dir/lvp_icd.json
export LD_LIBRARY_PATH=$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
EOF

missing=$(LD_LIBRARY_PATH=$lib ldd "$lib/libvulkan_lvp.so" | awk '/not found/ { print $1 }' | tr '\n' ' ')
if [ -n "$missing" ]; then
  echo "lavapipe: libvulkan_lvp.so cannot find: $missing" >&2
  exit 1
fi
if [ ! -e "$lib/libvulkan.so.1" ] && ! ldconfig -p | grep -q 'libvulkan\.so\.1 '; then
  echo "lavapipe: no Vulkan loader (libvulkan.so.1) in $lib or on the system" >&2
  exit 1
fi
rm -rf "$apt_dir" "$dir/debs"
echo "mesa-vulkan-drivers $mesa_version" >"$dir/complete"
echo "lavapipe: Mesa $mesa_version installed in $dir (. $dir/env.sh to use it outside the tests)"
