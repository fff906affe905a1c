// The inspector page: a header with the session and its state, the server requests waiting for an answer,
// the timeline or the conversation tree, and (live) the box to start turns and send methods.
import { render } from 'preact';
import { connected, info, start, tick } from './api.ts';
import { Composer } from './Composer.tsx';
import { Conversation } from './Conversation.tsx';
import { PendingRequests } from './Pending.tsx';
import { tab } from './selection.ts';
import { Timeline } from './Timeline.tsx';
import './style.css';

function Header() {
  const current = info.value;
  const state = tick.value;
  const status = !connected.value
    ? state.feeding
      ? 'disconnected'
      : 'ended'
    : state.feeding
      ? current?.mode === 'live'
        ? 'live'
        : 'reading…'
      : current?.mode === 'live'
        ? 'ended'
        : 'loaded';
  return (
    <header class="top">
      <h1>codex-dbg inspector</h1>
      <span class="title">{current?.mode === 'live' ? `live: ${current.title}` : current?.title}</span>
      <span class={`state state-${status}`} data-state={status}>
        {status}
        {state.endedWith ? `: ${state.endedWith}` : ''}
      </span>
      <span class="count">
        {state.known.toLocaleString('en')} rows
        {state.feeding && current?.mode === 'recording' && state.count < state.known ? ` (read ${Math.floor((state.count / Math.max(1, state.known)) * 100)}%: filters and latencies fill in)` : ''}
      </span>
      {current && !current.keepSecrets ? <span class="dim">secrets redacted</span> : null}
      <nav>
        <button type="button" class={tab.value === 'timeline' ? 'active' : ''} onClick={() => (tab.value = 'timeline')}>
          Timeline
        </button>
        <button type="button" class={tab.value === 'conversation' ? 'active' : ''} onClick={() => (tab.value = 'conversation')}>
          Conversation
        </button>
      </nav>
    </header>
  );
}

function App() {
  if (!info.value) return <p class="loading-page">Loading…</p>;
  return (
    <div class="app">
      <Header />
      {info.value.live ? <PendingRequests /> : null}
      <main>{tab.value === 'timeline' ? <Timeline /> : <Conversation />}</main>
      {info.value.sends ? <Composer /> : null}
    </div>
  );
}

const root = document.getElementById('app') as HTMLElement;
render(<App />, root);
start().catch((error: Error) => {
  root.textContent = `codex-dbg inspector: ${error.message}`;
});
