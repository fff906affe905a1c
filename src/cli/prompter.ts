// Questions from plugins (the `ask` plugin's approvals) for the person at the terminal: a queue owned by
// the REPL (or exec), shown one at a time with the request id they are for. A question ends when it is
// answered, or is withdrawn: the server withdrew its request (an interrupt, another client answered), the
// handler's deadline passed, or input ended. A withdrawn question resolves undefined and leaves the screen;
// the line typed after it goes to the REPL, never to a question that no longer waits.
import type { RequestId } from '../core/messages.ts';
import type { Choice, Colors } from '../plugins/contract.ts';
import type { Prompter, PromptRequest } from '../plugins/host.ts';
import type { Output } from './output.ts';

export interface Question {
  text: string;
  choices: Choice[];
  /** The server request it is asked for, if any. */
  request?: { id: RequestId; method: string };
}

/** How questions reach the screen: the REPL (or exec) draws them. */
export interface QuestionView {
  /** The question is now the one being asked. */
  show(question: Question): void;
  /** It is over: answered (`why` undefined) or withdrawn (why, in words). */
  clear(question: Question, why?: string): void;
  /** A line that is not one of the choices. */
  refuse(question: Question, line: string): void;
}

interface Pending {
  question: Question;
  resolve(key: string | undefined): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class QuestionQueue implements Prompter {
  private readonly queue: Pending[] = [];
  private ended = false;

  constructor(private readonly view: QuestionView) {}

  ask(text: string, choices: Choice[], request?: PromptRequest): Promise<string | undefined> {
    if (this.ended || request?.signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const pending: Pending = { question: { text, choices, request: request && { id: request.id, method: request.method } }, resolve, signal: request?.signal };
      if (request) {
        pending.onAbort = () => this.finish(pending, undefined, 'its deadline passed');
        request.signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.queue.push(pending);
      if (this.queue.length === 1) this.view.show(pending.question);
    });
  }

  /** The question being asked, if any. */
  get current(): Question | undefined {
    return this.queue[0]?.question;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** A line typed while a question is asked: true when it was one of the choices (and answered it). */
  answer(line: string): boolean {
    const pending = this.queue[0];
    if (!pending) return false;
    const key = line.trim().toLowerCase();
    if (!pending.question.choices.some((choice) => choice.key === key)) {
      this.view.refuse(pending.question, line);
      return false;
    }
    this.finish(pending, key);
    return true;
  }

  /** The server no longer waits for this request: its question (asked or queued) ends unanswered. */
  withdraw(requestId: RequestId, why: string): void {
    const pending = this.queue.find((entry) => entry.question.request?.id === requestId);
    if (pending) this.finish(pending, undefined, why);
  }

  /** Input ended: nobody is left to answer, now or later. */
  end(why = 'input ended'): void {
    this.ended = true;
    for (const pending of [...this.queue]) this.finish(pending, undefined, why);
  }

  private finish(pending: Pending, key: string | undefined, why?: string): void {
    const index = this.queue.indexOf(pending);
    if (index === -1) return;
    this.queue.splice(index, 1);
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    // Only the question on screen needs clearing; a queued one was never shown.
    if (index === 0) this.view.clear(pending.question, why);
    pending.resolve(key);
    const next = this.queue[0];
    if (index === 0 && next) this.view.show(next.question);
  }
}

/** The prompt while a question is asked: its keys and the request it is for. */
export function questionPrompt(question: Question): string {
  return `answer ${question.choices.map((choice) => choice.key).join('/')}${question.request ? ` (request ${question.request.id})` : ''}> `;
}

/** Questions drawn at a terminal: the question and its choices as lines, then `changed()` (to redraw the prompt). */
export function terminalQuestionView(output: Output, color: Colors, changed: () => void): QuestionView {
  return {
    show(question) {
      output.flush(); // what led to the question comes first
      const tag = question.request ? color.dim(`[request ${question.request.id}] `) : '';
      output.stderrLine(`${color.yellow('?')} ${tag}${question.text}`);
      output.stderrLine(`  ${question.choices.map((choice) => `[${choice.key}] ${choice.label}`).join('  ')}`);
      changed();
    },
    clear(question, why) {
      if (why) output.stderrLine(color.dim(`  question${question.request ? ` for request ${question.request.id}` : ''} withdrawn: ${why}`));
      changed();
    },
    refuse(question) {
      output.stderrLine(`answer with one of: ${question.choices.map((choice) => choice.key).join(', ')} (a :command still works)`);
    },
  };
}
