// The timeline: every row of the session in a virtualized list (only the rows in view exist as DOM; the
// server sends the page of rows asked for, so a million-row recording scrolls like a short one), the
// filters and search box above it, and the whole message of the clicked row beside it.
import { useSignalEffect } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { getJson, info, methods, threads, tick, type RowView } from './api.ts';
import { filterParams, filters, setFilter, type Filters } from './filters.ts';
import { Detail } from './Detail.tsx';
import { selectedRow, jumpRequest } from './selection.ts';

const ROW_HEIGHT = 22;
/** Browsers cap an element's height (about 33 million px in Chromium); beyond this the scrollbar is scaled. */
const MAX_SCROLL_HEIGHT = 8_000_000;

interface Page {
  total: number;
  from: number;
  rows: RowView[];
}

export function Timeline() {
  const scroller = useRef<HTMLDivElement>(null);
  const [viewHeight, setViewHeight] = useState(600);
  const [scrollTop, setScrollTop] = useState(0);
  const [total, setTotal] = useState(0);
  const [rows, setRows] = useState<Map<number, RowView>>(new Map());
  const [follow, setFollow] = useState(info.value?.mode === 'live');
  const state = useRef({ inFlight: false, again: false, params: filterParams.value, follow, first: 0, visible: 0, total: 0, followedTo: 0 });

  const visible = Math.ceil(viewHeight / ROW_HEIGHT) + 1;
  const fullHeight = total * ROW_HEIGHT;
  const height = Math.min(fullHeight, MAX_SCROLL_HEIGHT);
  const maxScroll = Math.max(0, height - viewHeight);
  const scaled = fullHeight > MAX_SCROLL_HEIGHT;
  // Following, the window is the end of the list as it is now, not where the last scroll event left it:
  // that event comes a frame after new rows, and the rows it points at may already be dropped (a blank flash).
  const shownTop = follow ? maxScroll : scrollTop;
  const first = scaled
    ? Math.round((maxScroll ? shownTop / maxScroll : 0) * Math.max(0, total - visible + 1))
    : Math.floor(shownTop / ROW_HEIGHT);
  const top = scaled ? shownTop : first * ROW_HEIGHT;
  Object.assign(state.current, { first, visible, follow, total });

  /** Asks for the rows in view (or the last ones, when following); one request at a time, the latest wins. */
  const load = async () => {
    const s = state.current;
    if (s.inFlight) {
      s.again = true;
      return;
    }
    s.inFlight = true;
    try {
      do {
        s.again = false;
        const params = filterParams.value;
        const n = s.visible * 3;
        const from = Math.max(0, s.first - s.visible);
        const where = s.follow ? `tail=1&n=${s.visible + 1}` : `from=${from}&n=${n}`;
        const page = await getJson<Page>(`/api/rows?${where}${params ? `&${params}` : ''}`);
        if (params !== filterParams.value) continue;
        const fresh = params !== s.params;
        s.params = params;
        setTotal(page.total);
        setRows((old) => {
          const next = new Map(fresh ? [] : [...old].filter(([position]) => Math.abs(position - page.from) < n * 2));
          page.rows.forEach((row, index) => next.set(page.from + index, row));
          return next;
        });
      } while (s.again);
    } catch {
      // The stream's status shows a lost connection; the next tick tries again.
    } finally {
      s.inFlight = false;
    }
  };

  // Follow the end: keep the last row in view while new rows come.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!follow || !element) return;
    element.scrollTop = element.scrollHeight;
    state.current.followedTo = element.scrollTop;
  }, [follow, total, height]);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // New rows, a changed filter, or a scroll to rows not loaded yet: ask again.
  useSignalEffect(() => {
    void tick.value.count;
    void tick.value.known;
    void tick.value.base;
    void filterParams.value;
    load();
  });
  useEffect(() => {
    for (let position = first; position < Math.min(total, first + visible); position++) {
      if (!rows.has(position)) {
        load();
        return;
      }
    }
  }, [first, visible, total]);

  // A jump (from the tree, the detail panel's pair link): bring that row into view and select it.
  useSignalEffect(() => {
    const request = jumpRequest.value;
    if (!request) return;
    jumpRequest.value = undefined;
    getJson<{ position: number }>(`/api/position?row=${request}${filterParams.value ? `&${filterParams.value}` : ''}`).then(({ position }) => {
      setFollow(false);
      scrollToPosition(position);
      selectedRow.value = request;
    });
  });

  const scrollToPosition = (position: number) => {
    const element = scroller.current;
    if (!element) return;
    const s = state.current;
    const wanted = Math.max(0, position - Math.floor(s.visible / 2));
    const full = s.total * ROW_HEIGHT;
    element.scrollTop = full > MAX_SCROLL_HEIGHT ? (wanted / Math.max(1, s.total - s.visible + 1)) * (Math.min(full, MAX_SCROLL_HEIGHT) - element.clientHeight) : wanted * ROW_HEIGHT;
  };

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    setScrollTop(element.scrollTop);
    const s = state.current;
    // Following stops only when the reader scrolls up: the scroll events of following itself arrive late,
    // when more rows may already have made the list longer.
    if (s.follow && element.scrollTop >= s.followedTo - 1) return;
    const atEnd = element.scrollTop >= element.scrollHeight - element.clientHeight - ROW_HEIGHT;
    if (atEnd !== s.follow) setFollow(atEnd);
  };

  const shown: preact.JSX.Element[] = [];
  for (let position = first; position < Math.min(total, first + visible); position++) {
    const row = rows.get(position);
    shown.push(row ? <Row key={position} row={row} /> : <div key={position} class="row loading">…</div>);
  }

  return (
    <div class="timeline-layout">
      <section class="timeline">
        <FilterBar total={total} />
        <div class="head row-grid">
          <span>#</span>
          <span>time</span>
          <span title="direction">⇄</span>
          <span>kind</span>
          <span>method</span>
          <span>id</span>
          <span>thread</span>
          <span>status</span>
          <span>latency</span>
          <span>answered by</span>
          <span>size</span>
          <span>text</span>
        </div>
        <div class="scroller" ref={scroller} onScroll={onScroll} data-total={total}>
          <div class="spacer" style={{ height: `${height}px` }} />
          <div class="rows" style={{ transform: `translateY(${top}px)` }}>
            {shown}
          </div>
        </div>
        <div class="list-foot">
          <button type="button" onClick={() => scroller.current && (scroller.current.scrollTop = 0)} disabled={total === 0}>
            ⇤ first
          </button>
          <button type="button" class="jump-last" onClick={() => setFollow(true)} disabled={total === 0}>
            last ⇥
          </button>
          <span class={follow ? 'following' : ''}>{follow ? 'following new rows' : `rows ${first + 1}–${Math.min(total, first + visible)} of ${total.toLocaleString('en')}`}</span>
        </div>
      </section>
      <Detail />
    </div>
  );
}

const LABELS: Record<string, string> = { default: 'safe default', ui: 'the browser', 'another client': 'another client' };

function Row({ row }: { row: RowView }) {
  const selected = selectedRow.value === row.n;
  const classes = ['row', 'row-grid', `lane-${row.lane}`, `kind-${row.kind}`, row.error ? 'error' : '', selected ? 'selected' : ''].join(' ');
  return (
    <div class={classes} data-n={row.n} data-method={row.method ?? ''} onClick={() => (selectedRow.value = row.n)}>
      <span class="n">{row.n}</span>
      <span class="t">{(row.t / 1000).toFixed(3)}</span>
      <span class="dir">{row.dir === 'out' ? '→' : row.dir === 'in' ? '←' : ''}</span>
      <span class="kind">{row.lane === 'event' ? 'codex-dbg' : row.kind}</span>
      <span class="method" title={row.method}>
        {row.method}
      </span>
      <span class="id">{row.id}</span>
      <span class="thread" title={row.thread}>
        {row.thread?.slice(0, 8)}
      </span>
      <span class={`status status-${row.status}`}>{row.status}</span>
      <span class="dur">{row.dur === undefined ? '' : `${row.dur} ms`}</span>
      <span class="by">{row.by ? (LABELS[row.by] ?? row.by) : ''}</span>
      <span class="size">{row.size}</span>
      <span class="preview">{row.preview}</span>
    </div>
  );
}

function FilterBar({ total }: { total: number }) {
  const f = filters.value;
  const [search, setSearch] = useState(f.q);
  // The search box applies a moment after typing stops.
  useEffect(() => {
    const timer = setTimeout(() => search !== filters.value.q && setFilter('q', search), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const select = <K extends keyof Filters>(key: K, options: [string, string][]) => (
    <select value={String(f[key])} onChange={(event) => setFilter(key, (event.currentTarget as HTMLSelectElement).value as Filters[K])} aria-label={key}>
      {options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );
  return (
    <div class="filters">
      <input
        class="search"
        type="search"
        placeholder="search: method:turn/ id:3 thread:019a status:failed dur>100 words…"
        value={search}
        onInput={(event) => setSearch((event.currentTarget as HTMLInputElement).value)}
        onKeyDown={(event) => event.key === 'Enter' && setFilter('q', search)}
        aria-label="search"
      />
      {select('dir', [['', 'both directions'], ['in', '← from server'], ['out', '→ to server']])}
      {select('kind', [['', 'every kind'], ['request', 'requests'], ['notification', 'notifications'], ['reply', 'replies'], ['error', 'error replies'], ['rpc', 'messages only'], ['stderr', 'server stderr'], ['event', 'codex-dbg events']])}
      {select('method', [['', 'every method'], ...methods.value.map((m): [string, string] => [m, m])])}
      {select('thread', [['', 'every thread'], ...threads.value.map((t): [string, string] => [t, t.slice(0, 13)])])}
      <label class="errors-only">
        <input type="checkbox" checked={f.errors} onChange={(event) => setFilter('errors', (event.currentTarget as HTMLInputElement).checked)} /> errors only
      </label>
      <a class="button" href={`/api/export${filterParams.value ? `?${filterParams.value}` : ''}`} download="codex-dbg-export.jsonl">
        export JSONL
      </a>
      <span class="matches">{total.toLocaleString('en')} rows</span>
    </div>
  );
}
