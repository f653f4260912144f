#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real (Chromium, the OCI registry, Alertmanager,
# containerd, kubectl...), listed in .ci/apt-packages.txt. As root it installs what is missing; otherwise it
# prints the exact command and fails, so a test never silently skips a real server.
# A line "package:command" is satisfied by any installed program of that name (e.g. a kubectl from
# another package already owning /usr/bin/kubectl, which Debian's kubernetes-client could not replace).
set -euo pipefail
cd "$(dirname "$0")/.."
list=.ci/apt-packages.txt
[ -f "$list" ] || exit 0
mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$list")
[ "${#wanted[@]}" -eq 0 ] && exit 0
missing=()
for entry in "${wanted[@]}"; do
  pkg="${entry%%:*}"
  cmd_name="${entry#*:}"
  if [ "$cmd_name" != "$entry" ] && command -v "$cmd_name" >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && { echo "system packages: all ${#wanted[@]} present"; exit 0; }
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "system packages: installing ${missing[*]}"
  bash -c "$cmd"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  echo "system packages: installing ${missing[*]} with sudo"
  sudo bash -c "$cmd"
else
  echo "system packages missing: ${missing[*]}" >&2
  echo "install them with:  sudo bash -c '$cmd'" >&2
  exit 1
fi
