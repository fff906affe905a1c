// A message as the recorder and the inspector's live feed take it: its direction, the value and its line.
import type { RecordedTraffic } from '../../src/recording/recorder.ts';

export function traffic(direction: 'in' | 'out', message: unknown): RecordedTraffic {
  return { direction, message: message as RecordedTraffic['message'], line: JSON.stringify(message) };
}
