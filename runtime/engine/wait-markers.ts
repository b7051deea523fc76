// The waits the dialer finds contacts by. A cursor's wait_event column holds its wait as JSON text, and the store's
// partial indexes cursors_dial_queue and cursors_on_call (the initial migration, frozen as history) name that same
// text: the dialer step, the dialer's queries and those indexes must spell each marker one way, this one.
import type { WaitEvent } from '../nodes/types.ts';

/** A contact queued for its call by a dialer step, until the dialer's pacing places it. */
export const dialQueueWait: Readonly<WaitEvent> = { type: 'dial-queue' };
/** A contact whose call is under way. */
export const onCallWait: Readonly<WaitEvent> = { type: 'call' };

/** The markers as the wait_event column stores them, for the dialer's indexed queries. */
export const dialQueueWaitText = JSON.stringify(dialQueueWait);
export const onCallWaitText = JSON.stringify(onCallWait);
