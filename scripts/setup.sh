#!/usr/bin/env bash
# scripts/setup.sh: everything Lancer and its tests need, in one command on a fresh machine.
# - the npm packages (npm ci; Node 24 comes with them);
# - where missing, Debian's python3-pytest (graded Python fixtures), GNU patch, docker.io
#   (grading in containers) and chromium (the HTML report's browser test), installed with
#   apt-get when run as root on Debian or Ubuntu;
# - a Docker daemon: when none answers, dockerd is started by hand (no systemd needed), with
#   no bridge and no iptables rules: install steps use the host's network, tests use none.
# Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

say "npm ci"
npm ci

missing=()
python3 -m pytest --version >/dev/null 2>&1 && /usr/bin/python3 -m pytest --version >/dev/null 2>&1 ||
  missing+=(python3-pytest)
command -v patch >/dev/null || missing+=(patch)
command -v dockerd >/dev/null || missing+=(docker.io)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup: missing ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}), then run this again" >&2
    exit 1
  fi
  say "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  say "docker daemon answers"
else
  log=${TMPDIR:-/tmp}/lancer-dockerd.log
  say "starting dockerd (log: $log)"
  nohup dockerd --storage-driver=overlay2 --iptables=false --bridge=none >"$log" 2>&1 &
  for _ in $(seq 1 300); do
    docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
    sleep 0.1
  done
  if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    echo "setup: dockerd did not answer within 30 s; its log ($log) ends:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  say "docker daemon $(docker version --format '{{.Server.Version}}') started"
fi
