#!/usr/bin/env bash
# host-image.sh [tag]: make a container image from this machine's own tools, for grading in
# containers where no image registry can be reached. `docker import` of a small tree:
# bash and coreutils, Node.js with npm, Python 3 with Debian's pytest, the TLS roots, and the
# shared libraries they load (found with ldd). No package is downloaded. Prints the tag.
# The tag (default lancer-host:<hash of the file list>) is reused when it exists already.
set -euo pipefail

tools=(bash sh dash env cat ls mkdir rm rmdir cp mv ln chmod touch sed grep head tail sort
  uniq tr wc cut uname dirname basename readlink realpath mktemp true false test sleep id
  find xargs tee diff tar gzip node python3)
python=$(readlink -f "$(command -v python3.11 || command -v /usr/bin/python3)")

files=$(mktemp)
trap 'rm -f "$files"' EXIT
for tool in "${tools[@]}"; do
  found=$(PATH=/usr/bin:/bin type -P "$tool" || true)
  [ -n "$found" ] || { echo "host-image.sh: $tool is not installed in /usr/bin" >&2; exit 1; }
  printf '%s\n' "$found" "$(readlink -f "$found")"
  ldd "$(readlink -f "$found")" 2>/dev/null | grep -o '/[^ ]*' || true
done >"$files"
printf '%s\n' "$python" >>"$files"
ldd "$python" | grep -o '/[^ ]*' >>"$files" || true
for dir in /usr/lib/node_modules/npm "/usr/lib/$(basename "$python")" /usr/lib/python3/dist-packages \
  /etc/ssl/certs/ca-certificates.crt; do
  [ -e "$dir" ] || { echo "host-image.sh: $dir is missing (apt-get install python3-pytest?)" >&2; exit 1; }
  printf '%s\n' "$dir" >>"$files"
done
# Libraries resolve through their links; keep both the links and what they point at.
while read -r file; do readlink -f "$file"; done <"$files" >>"$files.real"
cat "$files.real" >>"$files" && rm -f "$files.real"
sort -u -o "$files" "$files"

hash=$( (cat "$files"; xargs -d '\n' stat -c '%n %s %Y' <"$files") | sha256sum | cut -c1-16)
tag=${1:-lancer-host:$hash}
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

root=$(mktemp -d)
trap 'rm -f "$files"; rm -rf "$root"' EXIT
mkdir -p "$root"/{etc,tmp,root,work,usr/bin,usr/lib,usr/lib64,usr/sbin}
chmod 1777 "$root/tmp"
ln -s usr/bin "$root/bin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"; ln -s usr/sbin "$root/sbin"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
# /usr is merged here: copy the files through their /usr paths only.
sed -e 's#^/bin/#/usr/bin/#' -e 's#^/lib/#/usr/lib/#' -e 's#^/lib64/#/usr/lib64/#' "$files" | sort -u |
  (cd / && tar -cf - --no-recursion --files-from=<(sed 's#^/##' /dev/stdin | while read -r f; do
    # Directories are copied whole.
    if [ -d "/$f" ] && [ ! -L "/$f" ]; then find "$f"; else printf '%s\n' "$f"; fi
  done)) | tar -xf - -C "$root"
ln -sf python3.11 "$root/usr/bin/python3" 2>/dev/null || true
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
tar -C "$root" -cf - . | docker import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$tag" >/dev/null
echo "$tag"
