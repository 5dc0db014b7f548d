#!/usr/bin/env bash
# Assembles the files the Baton image adds to the empty `scratch` base: a JRE made by jlink with only
# the modules Baton needs, git (with the helpers fetch/push over http(s) and worktrees call), dash as
# /bin/sh (droid commands run under `sh -c`), the C libraries all of them load (their ldd closure),
# CA certificates, and /etc/passwd and /etc/group naming user baton 10001:10001. Jib then copies the
# tree as the image's extra-files layer, making the listed programs executable.
#
# Usage: rootfs.sh OUT_DIR "MODULE,MODULE,..." [JAR]   (called by image/pom.xml at `package`)
# JAR (the shaded CLI jar) is searched for the glibc x86-64 native libraries its dependencies unpack
# and load at run time (sqlite-jdbc's, jline's): their C libraries join the closure too.
# Idempotent: a stamp in OUT_DIR records the JDK, the module list, git's version, the jar's native
# libraries and this script's checksum; when they match, nothing is done (a warm build skips ~10 s). Needs a JDK with jmods (jlink) and
# the host's git and dash, as on Debian/Ubuntu with openjdk-17-jdk, git and dash installed; strip
# (binutils) is used when present.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 || -z "$1" || -z "$2" ]]; then
  echo "rootfs.sh: expected OUT_DIR, a comma-separated module list and optionally a jar, got $# argument(s); usage: rootfs.sh OUT_DIR MODULES [JAR]" >&2
  exit 2
fi
out="$1"
modules="$2"
jar_file="${3:-}"
if [[ -n "$jar_file" && ! -f "$jar_file" ]]; then
  echo "rootfs.sh: no jar at $jar_file; build the CLI first (./mvnw -B -ntp package -pl cli -am -DskipTests)" >&2
  exit 1
fi
[[ -n "$jar_file" ]] && jar_file="$(readlink -f "$jar_file")"

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jlink="$java_home/bin/jlink"
if [[ ! -x "$jlink" || ! -d "$java_home/jmods" ]]; then
  echo "rootfs.sh: no jlink or jmods under JAVA_HOME=$java_home; install a full JDK 17 (Debian: openjdk-17-jdk) and set JAVA_HOME to it" >&2
  exit 1
fi
for tool in git dash ldd; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "rootfs.sh: '$tool' is not on the PATH; the image copies it from this machine: install it (Debian: apt-get install git dash libc-bin)" >&2
    exit 1
  fi
done

stamp="$out/.rootfs.stamp"
jar_natives=""
if [[ -n "$jar_file" ]]; then
  # Only the glibc x86-64 builds: the image has glibc, not musl.
  jar_natives="$("$java_home/bin/jar" tf "$jar_file" | grep -E '\.so$' | grep -iE '/linux/(x86_64|x86-64|amd64)/' || true)"
fi
want="$("$java_home/bin/java" -version 2>&1 | tr '\n' ' ')|$modules|$(git --version)|$jar_natives|$(cksum <"${BASH_SOURCE[0]}" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "rootfs.sh: $out is up to date"
  exit 0
fi

started=$SECONDS
rm -rf "$out"
mkdir -p "$out"

# The JRE. --strip-debug and no man pages or header files: about 56 MB for Baton's modules, 12 MB of it
# the CDS archive, which shortens the JVM's start (`baton --version` in a container on a loaded
# machine: 1.2 to 1.7 s with it, 1.2 to 2.7 s without).
"$jlink" --add-modules "$modules" --output "$out/opt/java" --strip-debug --no-header-files \
  --no-man-pages --compress=2 --generate-cds-archive
# Debian's JDK links its cacerts to /etc/ssl/certs/java/cacerts; jlink copies the link, not the file.
for f in "$out"/opt/java/lib/security/* "$out"/opt/java/conf/security/*; do
  if [[ -L "$f" ]]; then
    target="$(readlink -f "$f")"
    rm -f "$f"
    if [[ -f "$target" ]]; then cp "$target" "$f"; fi
  fi
done

# Baton is headless: java.desktop is there for java.beans (pure Java), so its native AWT, font, sound
# and image libraries go, and with them the X11, freetype and ALSA libraries they would pull in.
for name in libawt.so libawt_xawt.so libjawt.so libawt_headless.so libsplashscreen.so libjsound.so libfontmanager.so \
    liblcms.so libmlib_image.so libjavajpeg.so; do
  rm -f "$out/opt/java/lib/$name"
done
# One CDS archive is enough: the one for compressed oops (heaps under 32 GB); saves 11 MB.
rm -f "$out/opt/java/lib/server/classes_nocoops.jsa"
# Strip what symbols are left in the native libraries when binutils is here.
if command -v strip >/dev/null 2>&1; then
  find "$out/opt/java" -name '*.so' -exec strip -p --strip-unneeded {} +
fi

# git and its helpers. Built-in commands (worktree, fetch, push, clone) run inside `git`; the helpers
# below run as programs from git's exec path. Jib copies symbolic and hard links as whole files, so
# what git keeps as links to itself becomes a two-line sh script here (saves some 20 MB).
git_exec="$(git --exec-path)"
mkdir -p "$out/usr/bin" "$out/usr/lib/git-core" "$out/bin" "$out/usr/share/git-core"
cp "$(readlink -f "$(command -v git)")" "$out/usr/bin/git"
for name in upload-pack receive-pack upload-archive; do
  printf '#!/bin/sh\nexec /usr/bin/git %s "$@"\n' "$name" >"$out/usr/lib/git-core/git-$name"
done
cp "$git_exec/git-remote-http" "$out/usr/lib/git-core/git-remote-http"
printf '#!/bin/sh\nexec /usr/lib/git-core/git-remote-http "$@"\n' >"$out/usr/lib/git-core/git-remote-https"
chmod 755 "$out"/usr/lib/git-core/*
cp "$git_exec/git-sh-setup" "$git_exec/git-sh-i18n" "$out/usr/lib/git-core/"
if [[ -d /usr/share/git-core/templates ]]; then
  cp -r /usr/share/git-core/templates "$out/usr/share/git-core/templates"
fi
# dash as the POSIX shell, at /bin/sh (a copy, not a link: see above).
cp "$(readlink -f "$(command -v dash)")" "$out/bin/sh"

# The jar's native libraries, unpacked only to be looked at (the JVM unpacks them again at run time).
natives_dir="$(mktemp -d)"
trap 'rm -rf "$natives_dir"' EXIT
if [[ -n "$jar_natives" ]]; then
  (cd "$natives_dir" && "$java_home/bin/jar" xf "$jar_file" $jar_natives)
fi

# The C libraries: the ldd closure of every ELF file above, copied under the multiarch directory the
# dynamic loader searches by default, and the loader itself where the programs' ELF headers name it.
libdir="usr/lib/x86_64-linux-gnu"
mkdir -p "$out/$libdir" "$out/lib64"
mapfile -t elves < <(find "$out" "$natives_dir" -type f \( -perm -u+x -o -name '*.so' -o -name '*.so.*' \) -print)
declare -A seen=()
for elf in "${elves[@]}"; do
  if ! head -c 4 "$elf" | grep -q $'\x7fELF'; then continue; fi
  # ldd prints "name => /path (addr)" or "/path (addr)" for the loader; "not found" fails the build.
  while read -r line; do
    # The JRE's own libraries find libjvm.so in lib/server at run time (the launcher loads it first).
    if [[ "$line" == libjvm.so*"not found"* ]]; then continue; fi
    if [[ "$line" == *"not found"* ]]; then
      echo "rootfs.sh: $elf needs a library this machine lacks: $line; install it and rebuild" >&2
      exit 1
    fi
    path=""
    if [[ "$line" == *" => /"* ]]; then
      path="${line#* => }"; path="${path%% (*}"
    elif [[ "$line" == /* ]]; then
      path="${line%% (*}"
    fi
    [[ -z "$path" || -n "${seen[$path]:-}" ]] && continue
    seen[$path]=1
    name="$(basename "$path")"
    if [[ "$name" == ld-linux-* ]]; then
      cp -L "$path" "$out/lib64/$name"
    elif [[ ! -e "$out/opt/java/lib/$name" && ! -e "$out/opt/java/lib/server/$name" ]]; then
      cp -L "$path" "$out/$libdir/$name"
    fi
  done < <(ldd "$elf" 2>/dev/null || true)
done
# libgcc_s is loaded by glibc at run time (thread cancellation), not linked: ldd does not list it.
# libpthread, libdl, librt and libutil are empty stubs since glibc 2.34, but JNI libraries built on
# older systems still name them; a few KB buy those libraries loading.
for name in libgcc_s.so.1 libpthread.so.0 libdl.so.2 librt.so.1 libutil.so.1; do
  if [[ -e "/$libdir/$name" && ! -e "$out/$libdir/$name" ]]; then
    cp -L "/$libdir/$name" "$out/$libdir/"
  fi
done

# Users, name resolution and CA certificates.
mkdir -p "$out/etc/ssl/certs" "$out/tmp" "$out/var/lib/baton"
cat >"$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
baton:x:10001:10001:Baton:/var/lib/baton:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
cat >"$out/etc/group" <<'GROUP'
root:x:0:
baton:x:10001:
nogroup:x:65534:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$out/etc/nsswitch.conf"
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  cp -L /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/ca-certificates.crt"
else
  echo "rootfs.sh: /etc/ssl/certs/ca-certificates.crt is missing; install ca-certificates (git over https needs it)" >&2
  exit 1
fi
# Jib keeps empty directories only when they hold something.
touch "$out/tmp/.keep" "$out/var/lib/baton/.keep"

printf '%s' "$want" >"$stamp"
echo "rootfs.sh: $out assembled in $((SECONDS - started)) s ($(du -sh --exclude=.rootfs.stamp "$out" | cut -f1))"
