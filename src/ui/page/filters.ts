// The timeline's filters and search box, as one signal; the same fields go to the server as query
// parameters (src/ui/query.ts reads them), so rows, positions and the export all see one filter.
import { computed, signal } from '@preact/signals';

export interface Filters {
  dir: '' | 'in' | 'out';
  kind: '' | 'request' | 'notification' | 'reply' | 'error' | 'stderr' | 'event' | 'rpc';
  method: string;
  thread: string;
  errors: boolean;
  q: string;
}

export const filters = signal<Filters>({ dir: '', kind: '', method: '', thread: '', errors: false, q: '' });

export const filterParams = computed(() => {
  const f = filters.value;
  const params = new URLSearchParams();
  if (f.dir) params.set('dir', f.dir);
  if (f.kind) params.set('kind', f.kind);
  if (f.method) params.set('method', f.method);
  if (f.thread) params.set('thread', f.thread);
  if (f.errors) params.set('errors', '1');
  if (f.q.trim()) params.set('q', f.q.trim());
  return params.toString();
});

export function setFilter<K extends keyof Filters>(key: K, value: Filters[K]): void {
  filters.value = { ...filters.value, [key]: value };
}
