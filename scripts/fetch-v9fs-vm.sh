#!/usr/bin/env bash
# Fetches and builds the small x86_64 Linux VM that V9fsExportTest boots under qemu-system-x86_64
# to mount a Fornax export with Linux's own 9P client (v9fs, 9p2000.L over TCP):
#
#   ~/.cache/fornax/v9fs/vmlinuz            Debian's x86_64 kernel (the image linux-image-amd64 depends on)
#   ~/.cache/fornax/v9fs/initramfs.cpio.gz  busybox-static (x86_64) + the 9p modules and what they need + /init
#
# /init brings up eth0 with qemu's user network (the host is 10.0.2.2), mounts
# 10.0.2.2:PORT on /mnt (PORT from fornax.port= on the kernel command line) and runs the
# script fornax.script= names inside the mount, printing everything on the serial console,
# then powers off. Packages come from Debian with `apt-get download` (no root needed for that);
# qemu-system-x86 is installed with apt-get when missing (root). Idempotent: a complete cache
# is left alone. FORNAX_CACHE overrides ~/.cache/fornax.
set -euo pipefail
CACHE=${FORNAX_CACHE:-$HOME/.cache/fornax}
OUT=$CACHE/v9fs
say() { echo "fetch-v9fs-vm: $*" >&2; }

if ! command -v qemu-system-x86_64 >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing qemu-system-x86 (apt-get)..."
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86 >/dev/null
  else
    say "qemu-system-x86_64 is missing; run: sudo apt-get install qemu-system-x86"
  fi
fi

if [ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initramfs.cpio.gz" ]; then exit 0; fi

mkdir -p "$OUT"
WORK=$(mktemp -d "$OUT/build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"   # apt-get download runs as _apt, who must reach it
cd "$WORK"

# the versioned kernel image package the metapackage points at
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] && apt-get update -q >/dev/null
fi
KPKG=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
[ -n "$KPKG" ] || { say "cannot find the kernel package linux-image-amd64 depends on (apt-get update?)"; exit 2; }
say "downloading $KPKG and busybox-static..."
apt-get download -q "$KPKG" busybox-static >/dev/null
dpkg-deb -x linux-image-*.deb kernel
dpkg-deb -x busybox-static_*.deb bb
KVER=$(ls kernel/lib/modules | head -1)
MODS=kernel/lib/modules/$KVER

# modules, in load order: each one's dependencies (modinfo's depends=, from the .modinfo section) first
mkdir -p root/bin root/lib/modules root/proc root/sys root/dev root/mnt root/tmp
cp bb/bin/busybox root/bin/busybox
find_ko() { find "$MODS" -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" | head -1; }
deps_of() {   # the depends= of a module file
  local f=$1 tmp
  tmp=$(mktemp)
  case "$f" in
    *.xz) xz -dc "$f" >"$tmp" ;;
    *.zst) zstd -qdc "$f" >"$tmp" ;;
    *) cp "$f" "$tmp" ;;
  esac
  tr '\0' '\n' <"$tmp" | sed -n 's/^depends=//p' | tr ',' ' '
  rm -f "$tmp"
}
ORDER=()
add() {
  local m=$1 f d
  for d in "${ORDER[@]}"; do [ "$d" = "$m" ] && return 0; done
  f=$(find_ko "$m")
  if [ -z "$f" ]; then
    if grep -q "/$m.ko" "$MODS/modules.builtin" 2>/dev/null; then return 0; fi
    say "module $m not found (and not built in)"; exit 2
  fi
  for d in $(deps_of "$f"); do add "$d"; done
  case "$f" in
    *.xz) xz -dc "$f" >"root/lib/modules/$m.ko" ;;
    *.zst) zstd -qdc "$f" >"root/lib/modules/$m.ko" ;;
    *) cp "$f" "root/lib/modules/$m.ko" ;;
  esac
  ORDER+=("$m")
}
# the 9P client over TCP, and the network card qemu gives a pc machine by default (e1000)
for m in 9p 9pnet 9pnet_fd e1000; do
  if [ -n "$(find_ko "$m")" ]; then add "$m"
  elif ! grep -q "/$m.ko" "$MODS/modules.builtin"; then say "module $m is missing"; exit 2; fi
done
printf '%s\n' "${ORDER[@]}" >root/modules.order
say "modules: ${ORDER[*]}"

cat >root/init <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in $(cat /modules.order); do insmod /lib/modules/$m.ko || echo "v9fs-vm: insmod $m failed"; done
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
port=$(arg fornax.port)
script=$(arg fornax.script)
aname=$(arg fornax.aname)
echo "v9fs-vm: booted; mounting 10.0.2.2:$port"
if mount -t 9p -o trans=tcp,port=$port,version=9p2000.L,msize=131072,cache=none${aname:+,aname=$aname} 10.0.2.2 /mnt; then
  echo "v9fs-vm: mounted"
  if [ -n "$script" ]; then
    if [ -f "/mnt/$script" ]; then sh "/mnt/$script" 2>&1; echo "v9fs-vm: script status $?"
    else echo "v9fs-vm: no script /mnt/$script"; fi
  fi
  umount /mnt && echo "v9fs-vm: unmounted"
else
  echo "v9fs-vm: mount failed"
fi
echo "v9fs-vm: done"
poweroff -f
EOF
chmod 755 root/init

(cd root && find . | sort | ../root/bin/busybox cpio -o -H newc 2>/dev/null) | gzip -9 >initramfs.cpio.gz
cp kernel/boot/vmlinuz-"$KVER" vmlinuz
mv initramfs.cpio.gz "$OUT/initramfs.cpio.gz.new"
mv vmlinuz "$OUT/vmlinuz"
mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
echo "$KVER" >"$OUT/kernel-version"
say "ready in $OUT (kernel $KVER)"
