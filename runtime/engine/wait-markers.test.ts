import { describe, expect, it } from 'vitest';
import { dialQueueWaitText, onCallWaitText } from './wait-markers.ts';

describe('the dialer wait markers', () => {
  it("are the text the store's partial indexes name (runtime/store/migrations/2026-11-24-initial.ts)", () => {
    // Changing a marker needs a migration that rebuilds cursors_dial_queue or cursors_on_call: a query whose text
    // differs from the index's would scan every cursor of the run.
    expect(dialQueueWaitText).toBe('{"type":"dial-queue"}');
    expect(onCallWaitText).toBe('{"type":"call"}');
  });
});
