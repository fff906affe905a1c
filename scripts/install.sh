#!/bin/sh
# Installs the codex-dbg standalone binary for this machine:
#   curl -fsSL https://github.com/codex-dbg/codex-dbg/releases/latest/download/install.sh | sh
# Downloads the archive codex-dbg-<os>-<arch>.tar.gz and SHA256SUMS from the release, checks the archive's
# checksum, unpacks it, and installs the binary as codex-dbg into ~/.local/bin. Nothing is left
# half-installed: the binary is moved into place only after it has been verified.
#   CODEX_DBG_DOWNLOAD_URL   where the release files are (default: the latest GitHub release)
#   CODEX_DBG_INSTALL_DIR    where to install (default: ~/.local/bin)
#   CODEX_DBG_PLATFORM       skip detection, e.g. linux-arm64 (for testing)
set -eu

# The GitHub repository the releases come from ("owner/name"; replace it if the project lives elsewhere).
repo=codex-dbg/codex-dbg
base_url=${CODEX_DBG_DOWNLOAD_URL:-https://github.com/$repo/releases/latest/download}
install_dir=${CODEX_DBG_INSTALL_DIR:-$HOME/.local/bin}

fail() {
  echo "codex-dbg install: $*" >&2
  exit 1
}

detect_platform() {
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=macos ;;
    MINGW* | MSYS* | CYGWIN*) fail "on Windows, download codex-dbg-win-x64.zip from $base_url instead" ;;
    *) os=$(uname -s) ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
  esac
  echo "$os-$arch"
}

platform=${CODEX_DBG_PLATFORM:-$(detect_platform)}
case "$platform" in
  linux-x64 | linux-arm64 | macos-x64 | macos-arm64) ;;
  *) fail "no codex-dbg binary for this platform ($platform); binaries exist for linux-x64, linux-arm64, macos-x64, macos-arm64 and win-x64" ;;
esac
binary="codex-dbg-$platform"
archive="$binary.tar.gz"

if command -v curl >/dev/null 2>&1; then
  fetch() { curl -fsSL -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
else
  fail "needs curl or wget to download"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  fail "needs sha256sum or shasum to check the download"
fi
command -v tar >/dev/null 2>&1 || fail "needs tar to unpack the download"

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t codex-dbg)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "codex-dbg install: downloading $archive from $base_url"
fetch "$base_url/$archive" "$tmp/$archive" || fail "download of $base_url/$archive failed"
fetch "$base_url/SHA256SUMS" "$tmp/SHA256SUMS" || fail "download of $base_url/SHA256SUMS failed"

expected=$(awk -v f="$archive" '$2 == f { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS has no line for $archive"
actual=$(sha256 "$tmp/$archive")
[ "$actual" = "$expected" ] || fail "checksum mismatch for $archive: expected $expected, got $actual; nothing was installed"
echo "codex-dbg install: checksum ok ($actual)"

mkdir "$tmp/unpacked"
tar -xzf "$tmp/$archive" -C "$tmp/unpacked" "$binary" 2>/dev/null || fail "$archive does not hold $binary; nothing was installed"
[ -f "$tmp/unpacked/$binary" ] || fail "$archive does not hold $binary; nothing was installed"

mkdir -p "$install_dir" || fail "cannot create $install_dir"
chmod 755 "$tmp/unpacked/$binary"
# Copy beside the target, then rename: the old binary is replaced in one step or not at all.
cp "$tmp/unpacked/$binary" "$install_dir/.codex-dbg.installing" || fail "cannot write to $install_dir"
mv -f "$install_dir/.codex-dbg.installing" "$install_dir/codex-dbg" || { rm -f "$install_dir/.codex-dbg.installing"; fail "cannot install into $install_dir"; }
echo "codex-dbg install: installed $install_dir/codex-dbg ($("$install_dir/codex-dbg" --version 2>/dev/null || echo 'version unknown'))"
case ":$PATH:" in
  *":$install_dir:"*) ;;
  *) echo "codex-dbg install: $install_dir is not on your PATH; add it, e.g. export PATH=\"$install_dir:\$PATH\"" ;;
esac
case "$platform" in
  macos-*) echo "codex-dbg install: the macOS binary is unsigned; if macOS refuses it, run: codesign --sign - $install_dir/codex-dbg" ;;
esac
