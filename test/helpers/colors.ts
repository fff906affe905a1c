// Colour functions for tests, so no test flips kleur's global switch (bun shares modules across files):
// `plain` leaves text alone, `tagged` marks it visibly (<green>text</green>).
import type { Colors } from '../../src/plugins/contract.ts';

const NAMES = ['bold', 'dim', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'gray'] as const;

export const plain: Colors = Object.fromEntries(NAMES.map((name) => [name, (text: string) => text])) as unknown as Colors;
export const tagged: Colors = Object.fromEntries(NAMES.map((name) => [name, (text: string) => `<${name}>${text}</${name}>`])) as unknown as Colors;
