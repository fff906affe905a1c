// Live only: start a turn on the active thread, or send any client method with JSON params (`call`), the
// method names completed from the protocol's list. The result or error shows under the box.
import { useState } from 'preact/hooks';
import { info, postJson, tick } from './api.ts';

export function Composer() {
  const [text, setText] = useState('');
  const [method, setMethod] = useState('');
  const [params, setParams] = useState('{}');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const live = tick.value.feeding;
  const show = (ok: boolean, value: unknown) => setOutcome({ ok, text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) });

  const startTurn = async (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return;
    try {
      const started = await postJson<{ threadId: string; turnId: string }>('/api/turn', { text });
      show(true, `turn ${started.turnId} started on thread ${started.threadId}`);
      setText('');
    } catch (error) {
      show(false, (error as Error).message);
    }
  };
  const call = async (event: Event) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = params.trim() === '' ? undefined : JSON.parse(params);
    } catch (error) {
      return show(false, `params are not JSON: ${(error as Error).message}`);
    }
    try {
      const reply = await postJson<{ result?: unknown; error?: { code: string; message: string } }>('/api/call', { method, params: parsed });
      if (reply.error) show(false, `${reply.error.code}: ${reply.error.message}`);
      else show(true, reply.result);
    } catch (error) {
      show(false, (error as Error).message);
    }
  };

  return (
    <section class="composer">
      <form onSubmit={startTurn} class="turn-form">
        <input type="text" placeholder="start a turn on the active thread…" value={text} disabled={!live} onInput={(event) => setText((event.currentTarget as HTMLInputElement).value)} aria-label="turn text" />
        <button type="submit" disabled={!live}>
          Start turn
        </button>
      </form>
      <form onSubmit={call} class="call-form">
        <input type="text" list="client-methods" placeholder="method, e.g. thread/list" value={method} disabled={!live} onInput={(event) => setMethod((event.currentTarget as HTMLInputElement).value)} aria-label="method" />
        <datalist id="client-methods">
          {(info.value?.clientMethods ?? []).map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <input type="text" class="params" placeholder='params, e.g. {"limit": 5}' value={params} disabled={!live} onInput={(event) => setParams((event.currentTarget as HTMLInputElement).value)} aria-label="params" />
        <button type="submit" disabled={!live || !method}>
          Send
        </button>
      </form>
      {outcome ? <pre class={`outcome ${outcome.ok ? 'ok' : 'error-text'}`}>{outcome.text}</pre> : null}
    </section>
  );
}
