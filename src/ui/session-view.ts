// What the inspector knows of one session, whatever feeds it (a session over any transport, a tap, a
// recording being read): the timeline of rows and the conversation tree, plus a version the page
// server watches to send the page one batched update at a time.
import type { Bodies } from './timeline.ts';
import { Timeline } from './timeline.ts';
import { Conversation } from './conversation.ts';

export interface SessionInfo {
  /** "live" (a session runs) or "recording" (a file is shown). */
  mode: 'live' | 'recording';
  /** What is shown: the server's peer, or the recording's path. */
  title: string;
  /** Whether the page may see secrets (redacted otherwise). */
  keepSecrets: boolean;
}

export class SessionView<Locator> {
  readonly timeline: Timeline<Locator>;
  readonly conversation = new Conversation();
  /** Still being fed (a live session running, a recording being read). */
  feeding = true;
  /** A line for the page's status bar when the feed ended ("codex app-server exited with code 1"). */
  endedWith: string | undefined;
  private changeListeners: (() => void)[] = [];

  constructor(
    readonly info: SessionInfo,
    bodies: Bodies<Locator>,
    maxRows?: number,
  ) {
    this.timeline = new Timeline(bodies, maxRows);
  }

  addMessage(t: number, dir: 'in' | 'out', message: Record<string, unknown>, size: number, locator: Locator): void {
    const row = this.timeline.addMessage(t, dir, message, size, locator);
    const columns = this.timeline.columns;
    this.conversation.add(row, dir, message, columns.methods.value(columns.methodNumber(row)));
    this.changed();
  }

  addStderr(t: number, line: string, locator: Locator): void {
    this.timeline.addStderr(t, line, locator);
    this.changed();
  }

  addEvent(t: number, event: string, detail: Record<string, unknown>, size: number, locator: Locator): void {
    this.timeline.addEvent(t, event, detail, size, locator);
    this.changed();
  }

  end(why?: string): void {
    this.feeding = false;
    this.endedWith = why;
    this.changed();
  }

  /** Called (synchronously, cheaply) on every change; the page server batches them. */
  onChange(listener: () => void): () => void {
    this.changeListeners.push(listener);
    return () => {
      this.changeListeners = this.changeListeners.filter((other) => other !== listener);
    };
  }

  changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}
