// The command line as people write it, read in-process (the same table runs through Node, Bun and the
// binary in test/e2e/flags.test.ts); and the help and did-you-mean made from the flag table.
import { describe, expect, test } from 'vitest';
import { COMMANDS, FLAGS, flagsOf } from '../../src/cli/command-line.ts';
import { commandHelp, programHelp } from '../../src/cli/help.ts';
import { parseArgs } from '../../src/cli/parse-args.ts';
import { didYouMean, editDistance } from '../../src/util/did-you-mean.ts';
import { READ_AS, REFUSED } from '../helpers/command-lines.ts';

describe('command lines', () => {
  test.each(READ_AS)('%j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });
  test.each(REFUSED)('%j is refused', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
    try {
      parseArgs(argv);
    } catch (error) {
      expect((error as { code: string }).code).toBe('E_USAGE');
    }
  });
});

describe('the flag table', () => {
  test('every flag is taken by at least one command, and names are unique', () => {
    for (const flag of FLAGS) expect(flag.commands.length, flag.name).toBeGreaterThan(0);
    expect(new Set(FLAGS.map((flag) => flag.name)).size).toBe(FLAGS.length);
    const shorts = FLAGS.flatMap((flag) => (flag.short ? [flag.short] : []));
    expect(new Set(shorts).size).toBe(shorts.length);
  });

  test('help lists exactly the flags a command takes, and no line ends in a space', () => {
    const demo = commandHelp(COMMANDS.find((command) => command.name === 'demo') as (typeof COMMANDS)[number]);
    expect(demo).toMatch(/^Usage: codex-dbg demo \[flags\]$/m);
    expect(demo).toContain('--record <file>');
    for (const ignored of ['--thread-id', '--approval-policy', '--sandbox', '--cwd', '--scripted-model', '--auto-approve', '--turn-timeout']) {
      expect(demo).not.toContain(ignored);
    }
    const exec = commandHelp(COMMANDS.find((command) => command.name === 'exec') as (typeof COMMANDS)[number]);
    expect(exec).toContain('--turn-timeout <seconds>');
    const program = programHelp();
    expect(program).toContain('--turn-timeout');
    expect(program).not.toContain('--json');
    for (const command of COMMANDS.filter((spec) => spec.name)) expect(program).toContain(`codex-dbg ${command.name}`);
    for (const text of [program, demo, exec]) expect(text.split('\n').filter((line) => / $/.test(line))).toEqual([]);
    expect(flagsOf('help').map((flag) => flag.name)).toEqual(['debug', 'help', 'version']);
  });
});

describe('did you mean', () => {
  test('near names are offered, far ones are not', () => {
    expect(editDistance('dmeo', 'demo')).toBe(1);
    expect(didYouMean('dmeo', ['exec', 'demo'])).toBe(' (did you mean demo?)');
    expect(didYouMean('prety', ['raw', 'pretty'])).toBe(' (did you mean pretty?)');
    expect(didYouMean('zzzz', ['exec', 'demo'])).toBe('');
  });
});
