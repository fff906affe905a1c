// The conversation as a tree: threads, their turns (status, duration) and items: user and agent text
// (streaming while the turn runs), reasoning, commands with their output and exit code, file changes as
// coloured diffs, tool calls. A click on a node shows its first message in the timeline.
import { useSignalEffect } from '@preact/signals';
import { useRef, useState } from 'preact/hooks';
import type { TreeItem, TreeThread, TreeTurn } from '../conversation.ts';
import { getJson, tick } from './api.ts';
import { JsonView } from './JsonView.tsx';
import { showRow } from './selection.ts';

/** How often the tree is fetched again at most while it changes (streaming text). */
const REFRESH_MS = 250;

export function Conversation() {
  const [threads, setThreads] = useState<TreeThread[] | undefined>(undefined);
  const last = useRef({ version: -1, at: 0, timer: 0 as unknown as ReturnType<typeof setTimeout> | undefined });
  useSignalEffect(() => {
    const version = tick.value.tree;
    const state = last.current;
    if (version === state.version || state.timer) return;
    const fetchTree = () => {
      state.timer = undefined;
      state.at = Date.now();
      getJson<{ threads: TreeThread[]; version: number }>('/api/tree').then((tree) => {
        state.version = tree.version;
        setThreads(tree.threads);
      });
    };
    const wait = Math.max(0, state.at + REFRESH_MS - Date.now());
    if (wait === 0) fetchTree();
    else state.timer = setTimeout(fetchTree, wait);
  });
  if (!threads) return <section class="conversation">Loading…</section>;
  if (threads.length === 0) return <section class="conversation">No thread yet.</section>;
  return (
    <section class="conversation">
      {threads.map((thread) => (
        <div class="thread" key={thread.id}>
          <h2 onClick={() => showRow(thread.row)}>thread {thread.id}</h2>
          {thread.turns.length === 0 ? <p class="dim">no turn yet</p> : thread.turns.map((turn) => <Turn key={turn.id} turn={turn} />)}
        </div>
      ))}
    </section>
  );
}

function Turn({ turn }: { turn: TreeTurn }) {
  const [open, setOpen] = useState(true);
  return (
    <div class={`turn turn-${turn.status}`} data-turn={turn.id}>
      <h3>
        <button type="button" class="json-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? '▾' : '▸'}
        </button>
        <span onClick={() => showRow(turn.row)}>turn {turn.id.slice(0, 13)}</span>
        <span class={`badge status-${turn.status}`}>{turn.status}</span>
        {turn.durationMs !== undefined ? <span class="dim">{(turn.durationMs / 1000).toFixed(2)} s</span> : null}
        {turn.error ? <span class="error-text">{turn.error}</span> : null}
      </h3>
      {open ? turn.items.map((item) => <Item key={item.id} item={item} />) : null}
    </div>
  );
}

type Loose = Record<string, any>; // biome-ignore lint: items are whatever the server sent

function Item({ item }: { item: TreeItem }) {
  const it = item.item as Loose;
  const head = (label: string) => (
    <div class="item-head" onClick={() => showRow(item.row)}>
      <span class="item-type">{label}</span>
      {item.status ? <span class={`badge status-${item.status}`}>{item.status}</span> : null}
    </div>
  );
  switch (item.type) {
    case 'userMessage': {
      const text = (it.content as Loose[] | undefined)?.map((part) => part.text ?? `[${part.type}]`).join('\n') ?? '';
      return (
        <div class="item item-user">
          {head('you')}
          <pre class="text">{text}</pre>
        </div>
      );
    }
    case 'agentMessage':
      return (
        <div class="item item-agent">
          {head('agent')}
          <pre class="text">{item.text}</pre>
        </div>
      );
    case 'reasoning':
    case 'plan':
      return (
        <div class="item item-reasoning">
          {head(item.type)}
          <pre class="text dim">{item.text}</pre>
        </div>
      );
    case 'commandExecution':
      return (
        <div class="item item-command">
          {head('command')}
          <code class="command">$ {String(it.command ?? '')}</code>
          {it.cwd ? <span class="dim"> in {String(it.cwd)}</span> : null}
          {typeof it.exitCode === 'number' ? <span class={it.exitCode === 0 ? 'ok' : 'error-text'}> exit {it.exitCode}</span> : null}
          {typeof it.durationMs === 'number' ? <span class="dim"> {it.durationMs} ms</span> : null}
          {item.text ? <pre class="output">{item.text}</pre> : null}
        </div>
      );
    case 'fileChange':
      return (
        <div class="item item-files">
          {head('file change')}
          <FileChanges changes={(it.changes as Loose[] | undefined) ?? []} />
        </div>
      );
    case 'mcpToolCall':
    case 'dynamicToolCall':
    case 'webSearch':
    case 'collabAgentToolCall':
      return (
        <div class="item item-tool">
          {head(`${item.type} ${it.server ? `${it.server}.` : ''}${it.tool ?? it.query ?? ''}`)}
          <JsonView value={it} depth={1} />
        </div>
      );
    default:
      return (
        <div class="item">
          {head(item.type)}
          <JsonView value={it} depth={1} />
        </div>
      );
  }
}

/** A file change item's changes (or an approval's): each file's path and kind, then its diff. */
export function FileChanges({ changes }: { changes: Loose[] }) {
  return (
    <>
      {changes.map((change) => (
        <div class="file" key={change.path}>
          <div class="path">
            {change.kind?.type ?? 'change'} {change.path}
          </div>
          <Diff text={String(change.diff ?? '')} added={change.kind?.type === 'add'} />
        </div>
      ))}
    </>
  );
}

/** A unified diff, lines coloured; an added file's bare content shows as added lines. */
export function Diff({ text, added }: { text: string; added?: boolean }) {
  const lines = text.replace(/\n$/, '').split('\n');
  const bare = added && !/^@@/m.test(text);
  return (
    <pre class="diff">
      {lines.map((line, index) => {
        const shown = bare ? `+${line}` : line;
        const kind = shown.startsWith('+++') || shown.startsWith('---') ? 'file' : shown.startsWith('+') ? 'add' : shown.startsWith('-') ? 'del' : shown.startsWith('@@') ? 'hunk' : 'ctx';
        return (
          <div key={index} class={`diff-${kind}`}>
            {shown || ' '}
          </div>
        );
      })}
    </pre>
  );
}
