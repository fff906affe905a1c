// Asks the person at the terminal on behalf of a plugin, one question at a time, reading the answer from
// the same line queue the REPL reads.
import type { LineQueue } from './line-queue.ts';
import type { Output } from './output.ts';
import type { Prompter } from '../plugins/host.ts';
import type { Choice } from '../plugins/contract.ts';

export function terminalPrompter(lines: LineQueue, output: Output): Prompter {
  let queue: Promise<unknown> = Promise.resolve();
  const askOnce = async (question: string, choices: Choice[]): Promise<string | undefined> => {
    const menu = choices.map((choice) => `[${choice.key}] ${choice.label}`).join('  ');
    output.flush(); // what led to the question comes first
    output.stderrLine(question);
    for (;;) {
      output.stderr(`${menu} > `);
      const answer = await lines.next();
      if (answer === undefined) return undefined;
      const key = answer.trim().toLowerCase();
      if (choices.some((choice) => choice.key === key)) return key;
      output.stderrLine(`answer with one of: ${choices.map((choice) => choice.key).join(', ')}`);
    }
  };
  return {
    ask(question, choices) {
      const answer = queue.then(() => askOnce(question, choices));
      queue = answer.catch(() => undefined);
      return answer;
    },
  };
}
