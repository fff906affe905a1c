// Tab completion for the REPL: `:` command names and aliases, and the first argument of a command that
// takes a thread id (`:use`, `:resume`, …) or a client method (`:call`). Returns what node:readline's
// completer returns: the candidates and the part of the line they replace.

export type ArgumentKind = 'thread' | 'method';

export interface CompletionSource {
  commands: { names: string[]; argument?: ArgumentKind }[];
  /** Thread ids worth offering (may ask the server). */
  threads(): Promise<readonly string[]>;
  methods: readonly string[];
}

export async function completeLine(line: string, source: CompletionSource): Promise<[string[], string]> {
  if (!line.startsWith(':')) return [[], line];
  const space = line.indexOf(' ');
  if (space === -1) {
    const names = source.commands.flatMap((command) => command.names.map((name) => `:${name}`));
    return [names.filter((name) => name.startsWith(line)).sort(), line];
  }
  const name = line.slice(1, space);
  const partial = line.slice(space + 1).trimStart();
  const kind = source.commands.find((command) => command.names.includes(name))?.argument;
  // Only the first argument is completed.
  if (!kind || /\s/.test(partial)) return [[], partial];
  const candidates = kind === 'thread' ? await source.threads() : source.methods;
  return [[...new Set(candidates.filter((candidate) => candidate.startsWith(partial)))], partial];
}
