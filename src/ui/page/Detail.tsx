// The selected row's whole record: facts, the message as collapsible JSON, a copy button, and links to
// the request or reply it pairs with.
import { useSignalEffect } from '@preact/signals';
import { useState } from 'preact/hooks';
import { getJson, type RowView } from './api.ts';
import { JsonView } from './JsonView.tsx';
import { selectedRow, showRow } from './selection.ts';

interface Loaded {
  row: RowView;
  record: Record<string, unknown>;
}

export function Detail() {
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  useSignalEffect(() => {
    const n = selectedRow.value;
    if (n === undefined) return;
    setCopied(false);
    getJson<Loaded>(`/api/row?n=${n}`).then(setLoaded, () => setLoaded(undefined));
  });
  if (!loaded) return <aside class="detail empty">Click a row to see its whole message.</aside>;
  const { row, record } = loaded;
  const body = record.type === 'message' ? record.message : record;
  const copy = () => navigator.clipboard?.writeText(JSON.stringify(body, null, 2)).then(() => setCopied(true));
  return (
    <aside class="detail">
      <header>
        <strong>
          #{row.n} {row.method ?? row.kind}
        </strong>
        <span class="facts">
          {row.dir === 'out' ? '→ to server' : row.dir === 'in' ? '← from server' : row.lane} · {row.kind} · {(row.t / 1000).toFixed(3)} s · {row.size} bytes
          {row.dur !== undefined ? ` · ${row.dur} ms` : ''}
          {row.by ? ` · answered by ${row.by}` : ''}
        </span>
        <span class="actions">
          {row.pair !== undefined ? (
            <button type="button" onClick={() => showRow(row.pair as number)}>
              {row.kind === 'request' ? 'go to reply' : 'go to request'}
            </button>
          ) : null}
          <button type="button" class="copy" onClick={copy}>
            {copied ? 'copied' : 'copy JSON'}
          </button>
        </span>
      </header>
      <div class="json">
        <JsonView value={body} />
      </div>
    </aside>
  );
}
