// Server requests waiting for the browser (handed over by the `ui` plugin), each as a card: the buttons its
// availableDecisions allow, a form for item/tool/requestUserInput questions, a JSON reply for the rest.
// If nobody answers before the deadline, the safe default does and the card goes away.
import { useEffect, useState } from 'preact/hooks';
import { postJson, tick, type PendingRequest } from './api.ts';
import { FileChanges } from './Conversation.tsx';

type Loose = Record<string, any>; // biome-ignore lint: params are whatever the server sent

const DECISION_LABELS: Record<string, string> = {
  accept: 'Accept',
  acceptForSession: 'Accept for session',
  decline: 'Decline',
  cancel: 'Cancel (ends the turn)',
};

function decisionLabel(decision: unknown): string {
  if (typeof decision === 'string') return DECISION_LABELS[decision] ?? decision;
  const [key, value] = Object.entries(decision as Loose)[0] ?? ['?', undefined];
  if (key === 'acceptWithExecpolicyAmendment') return `Accept, and allow ${(value?.execpolicy_amendment ?? []).join(' ')} from now on`;
  if (key === 'applyNetworkPolicyAmendment') return `Network: ${value?.network_policy_amendment?.action} ${value?.network_policy_amendment?.host}`;
  return key;
}

const decisionKey = (decision: unknown) => (typeof decision === 'string' ? decision : Object.keys(decision as Loose)[0]);

export function PendingRequests() {
  const pending = tick.value.pending;
  if (pending.length === 0) return null;
  return (
    <section class="pending" aria-label="server requests waiting for you">
      {pending.map((request) => (
        <Card key={String(request.id)} request={request} />
      ))}
    </section>
  );
}

function Card({ request }: { request: PendingRequest }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const send = (result: unknown) => {
    setBusy(true);
    postJson('/api/answer', { id: request.id, result }).catch((failure: Error) => {
      setError(failure.message);
      setBusy(false);
    });
  };
  const params = (request.params ?? {}) as Loose;
  return (
    <div class="card" data-request-id={String(request.id)} data-method={request.method}>
      <header>
        <strong>{request.method}</strong> <span class="dim">server request id {String(request.id)}</span> <Countdown request={request} />
      </header>
      <Body request={request} params={params} send={send} busy={busy} />
      {error ? <p class="error-text">{error}</p> : null}
    </div>
  );
}

function Countdown({ request }: { request: PendingRequest }) {
  const [, redraw] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => redraw((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const [received] = useState(() => ({ local: Date.now(), server: tick.value.now ?? request.at }));
  if (request.deadline === undefined) return <span class="dim">no deadline</span>;
  const left = request.deadline - (received.server + (Date.now() - received.local));
  return <span class="dim">safe default in {Math.max(0, Math.ceil(left / 1000))} s</span>;
}

function Buttons({ decisions, send, busy, wrap }: { decisions: unknown[]; send(result: unknown): void; busy: boolean; wrap(decision: unknown): unknown }) {
  return (
    <div class="buttons">
      {decisions.map((decision) => (
        <button type="button" key={JSON.stringify(decision)} data-decision={decisionKey(decision)} disabled={busy} onClick={() => send(wrap(decision))}>
          {decisionLabel(decision)}
        </button>
      ))}
    </div>
  );
}

function Body({ request, params, send, busy }: { request: PendingRequest; params: Loose; send(result: unknown): void; busy: boolean }) {
  const decide = (decision: unknown) => ({ decision });
  switch (request.method) {
    case 'item/commandExecution/requestApproval': {
      const decisions = Array.isArray(params.availableDecisions) && params.availableDecisions.length ? params.availableDecisions : ['accept', 'acceptForSession', 'decline', 'cancel'];
      return (
        <div>
          <code class="command">$ {String(params.command ?? request.item?.command ?? '(command not given)')}</code>
          {params.cwd ? <span class="dim"> in {String(params.cwd)}</span> : null}
          {params.reason ? <p>{String(params.reason)}</p> : null}
          <Buttons decisions={decisions} send={send} busy={busy} wrap={decide} />
        </div>
      );
    }
    case 'item/fileChange/requestApproval': {
      const changes = ((request.item as Loose | undefined)?.changes as Loose[] | undefined) ?? [];
      return (
        <div>
          {params.reason ? <p>{String(params.reason)}</p> : null}
          {changes.length === 0 ? <p class="dim">(the diff was not seen)</p> : null}
          <FileChanges changes={changes} />
          <Buttons decisions={['accept', 'acceptForSession', 'decline', 'cancel']} send={send} busy={busy} wrap={decide} />
        </div>
      );
    }
    case 'execCommandApproval':
    case 'applyPatchApproval':
      return (
        <div>
          {request.method === 'execCommandApproval' ? <code class="command">$ {((params.command as string[]) ?? []).join(' ')}</code> : <p>{Object.keys(params.fileChanges ?? {}).join(', ')}</p>}
          <Buttons
            decisions={['approved', 'approved_for_session', 'denied']}
            send={send}
            busy={busy}
            wrap={(decision) => ({ decision: decision === 'denied' ? { denied: { rejection: 'declined in the inspector' } } : decision })}
          />
        </div>
      );
    case 'item/tool/requestUserInput':
      return <Questions questions={(params.questions as Loose[]) ?? []} send={send} busy={busy} />;
    default:
      return <JsonReply request={request} send={send} busy={busy} />;
  }
}

function Questions({ questions, send, busy }: { questions: Loose[]; send(result: unknown): void; busy: boolean }) {
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const set = (id: string, value: string) => setAnswers({ ...answers, [id]: value });
  const submit = (event: Event) => {
    event.preventDefault();
    send({ answers: Object.fromEntries(questions.map((q) => [q.id, { answers: answers[q.id] ? [answers[q.id]] : [] }])) });
  };
  return (
    <form class="questions" onSubmit={submit}>
      {questions.map((q) => (
        <fieldset key={q.id} data-question={q.id}>
          <legend>{q.header}</legend>
          <p>{q.question}</p>
          {((q.options as Loose[] | null) ?? []).map((option) => (
            <label key={option.label} class="option">
              <input type="radio" name={q.id} value={option.label} checked={answers[q.id] === option.label} onChange={() => set(q.id, option.label)} />
              {option.label} <span class="dim">{option.description}</span>
            </label>
          ))}
          {q.isOther || !q.options?.length ? (
            q.isSecret ? (
              <input type="password" placeholder="your answer" aria-label={String(q.header)} onInput={(event) => set(q.id, event.currentTarget.value)} />
            ) : (
              <input type="text" placeholder={q.options?.length ? 'other…' : 'your answer'} aria-label={String(q.header)} onInput={(event) => set(q.id, event.currentTarget.value)} />
            )
          ) : null}
        </fieldset>
      ))}
      <button type="submit" disabled={busy}>
        Send answers
      </button>
    </form>
  );
}

function JsonReply({ request, send, busy }: { request: PendingRequest; send(result: unknown): void; busy: boolean }) {
  const [text, setText] = useState(JSON.stringify(request.suggestion ?? {}, null, 2));
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const submit = () => {
    try {
      send(JSON.parse(text));
    } catch (error) {
      setInvalid((error as Error).message);
    }
  };
  return (
    <div class="json-reply">
      <details>
        <summary>params</summary>
        <pre>{JSON.stringify(request.params, null, 2)}</pre>
      </details>
      <textarea rows={6} value={text} onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)} aria-label="reply (JSON result)" />
      {invalid ? <p class="error-text">{invalid}</p> : null}
      <button type="button" disabled={busy} onClick={submit}>
        Send this result
      </button>
    </div>
  );
}
