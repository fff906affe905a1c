// Patterns for the policy plugin: "/regex/flags", or a glob where * stops at "/" and ** does not.

export function compilePattern(pattern: string, { pathLike }: { pathLike: boolean }): RegExp {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (regex) return new RegExp(regex[1], regex[2]);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') source += pathLike ? '[^/]*' : '.*';
    else if (char === '?') source += pathLike ? '[^/]' : '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
