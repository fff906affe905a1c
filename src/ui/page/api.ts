// The page's link to its codex-dbg: JSON requests to /api (the token travels as the HttpOnly cookie), and
// the live stream of batched updates (/api/events), kept in signals the components read.
import { signal } from '@preact/signals';
import type { PendingRequest } from '../live.ts';
import type { RowView } from '../timeline.ts';

export type { PendingRequest, RowView };

export interface Info {
  mode: 'live' | 'recording';
  title: string;
  keepSecrets: boolean;
  live: boolean;
  /** The page may start turns and send methods (not in a tap, which only looks). */
  sends: boolean;
  clientMethods: string[];
  version: string;
}

/** What each update from the stream says. */
export interface Tick {
  /** Rows read into the timeline (filters see these). */
  count: number;
  /** Rows there are (a recording's lines found before they are read). */
  known: number;
  base: number;
  feeding: boolean;
  endedWith?: string;
  tree: number;
  pending: PendingRequest[];
  now?: number;
  methods?: string[];
  threads?: string[];
}

export const info = signal<Info | undefined>(undefined);
export const tick = signal<Tick>({ count: 0, known: 0, base: 0, feeding: true, tree: 0, pending: [] });
export const methods = signal<string[]>([]);
export const threads = signal<string[]>([]);
/** False while the stream is down (codex-dbg stopped, or the network hiccuped). */
export const connected = signal(false);

export class ApiError extends Error {}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new ApiError((await response.text()).trim() || `${response.status} ${response.statusText}`);
  return (await response.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new ApiError((await response.text()).trim() || `${response.status} ${response.statusText}`);
  return (await response.json()) as T;
}

export async function start(): Promise<void> {
  const loaded = await getJson<Info & Tick & { methods: string[]; threads: string[] }>('/api/info');
  info.value = loaded;
  methods.value = loaded.methods;
  threads.value = loaded.threads;
  tick.value = loaded;
  const events = new EventSource('/api/events');
  events.onopen = () => {
    connected.value = true;
  };
  events.onerror = () => {
    connected.value = false;
  };
  events.onmessage = (event) => {
    const next = JSON.parse(event.data) as Tick;
    if (next.methods) methods.value = next.methods;
    if (next.threads) threads.value = next.threads;
    tick.value = next;
  };
}
