// Which row is selected (its whole message shows beside the list), and a request to bring a row into view.
import { signal } from '@preact/signals';

export const selectedRow = signal<number | undefined>(undefined);
/** Set to a row number to scroll the timeline to it; the timeline clears it. */
export const jumpRequest = signal<number | undefined>(undefined);
/** The tab shown: the timeline or the conversation tree. */
export const tab = signal<'timeline' | 'conversation'>('timeline');

export function showRow(row: number): void {
  tab.value = 'timeline';
  jumpRequest.value = row;
}
