#!/usr/bin/env bash
# Installs what the build and the tests need besides the JDK and Maven:
#   gcc-riscv64-linux-gnu  cross compiler for userland/ (static riscv64 binaries)
#   qemu-user              qemu-riscv64, the reference the guest tests compare against
# Idempotent and quiet when everything is present.
set -euo pipefail
missing=()
command -v riscv64-linux-gnu-gcc >/dev/null || missing+=(gcc-riscv64-linux-gnu)
command -v qemu-riscv64 >/dev/null || missing+=(qemu-user)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "fornax: installing ${missing[*]} (apt-get)..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "fornax: need root to install ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi
if ! { $SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >/dev/null; }; then
  echo "fornax: apt-get could not install ${missing[*]}; install them by hand and retry" >&2
  exit 2
fi
