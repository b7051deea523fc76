// One row per contact of a run: its outcome, where it ended, when, its last call's outcome and its sends per channel,
// read in pages so that an export of a large run streams without holding the run in memory.
import type { Executor } from './store/dialect.ts';
import { parseJson } from './store/json.ts';
import { contactsAt, eventsOfContacts } from './store/repositories/run-contacts.ts';

export interface ContactResult {
  contactId: string;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  /** `finished` (an outcome), `released` (the run stopped or the contact was deleted) or `in-journey`. */
  status: 'finished' | 'released' | 'in-journey';
  outcome: string | null;
  /** The step it ended at, or is at now while still in the journey. */
  step: string;
  /** Whether it reached the journey's goal; null until journeys have goals. */
  converted: boolean | null;
  endedAt: string | null;
  /** The last call's disposition (or its exit when it had none); null without a call. */
  lastCallOutcome: string | null;
  /** Texts and emails that went, calls placed, webhook calls made (each retry too). */
  texts: number;
  emails: number;
  calls: number;
  webhooks: number;
}

export const resultColumns = [
  'contactId',
  'externalId',
  'firstName',
  'lastName',
  'phone',
  'email',
  'status',
  'outcome',
  'step',
  'converted',
  'endedAt',
  'lastCallOutcome',
  'texts',
  'emails',
  'calls',
  'webhooks',
] as const satisfies readonly (keyof ContactResult)[];

const pageSize = 500;
const endTypes = ['contact.completed', 'contact.released'] as const;
const sendTypes = ['sms.sent', 'email.sent', 'call.placed', 'webhook.called'] as const;

/** Yields the run's contacts in contact id order, a page at a time. */
export async function* runResults(db: Executor, runId: string): AsyncGenerator<ContactResult> {
  let after: string | undefined;
  for (;;) {
    const page = (await contactsAt(db, runId, { state: 'all', limit: pageSize, ...(after !== undefined && { after }) })).slice(0, pageSize);
    if (!page.length) return;
    const ids = page.map((c) => c.contactId);
    const ends = new Map<string, { type: string; time: number; data: Record<string, unknown> }>();
    // Sends counted from the events: texts and emails that went, calls placed, webhook calls made (retries included).
    const sends = new Map<string, Record<string, number>>();
    for (const e of await eventsOfContacts(db, runId, ids, [...endTypes, ...sendTypes])) {
      if (!e.contactId) continue;
      if (e.type === 'contact.completed' || e.type === 'contact.released') ends.set(e.contactId, { type: e.type, time: e.time, data: parseJson(e.data) });
      // HELP answers belong to no step: they are not sends of the journey.
      else if (e.nodeId) {
        const counts = sends.get(e.contactId) ?? {};
        counts[e.type] = (counts[e.type] ?? 0) + 1;
        sends.set(e.contactId, counts);
      }
    }
    for (const c of page) {
      const end = c.status === 'done' ? ends.get(c.contactId) : undefined;
      const lastCall = parseJson(c.results).lastCall;
      const callOutcome = lastCall?.disposition ?? lastCall?.port;
      const sent = sends.get(c.contactId) ?? {};
      yield {
        contactId: c.contactId,
        externalId: c.externalId,
        firstName: c.firstName,
        lastName: c.lastName,
        phone: c.phone,
        email: c.email,
        status: c.status !== 'done' ? 'in-journey' : end?.type === 'contact.completed' ? 'finished' : 'released',
        outcome: end?.type === 'contact.completed' && typeof end.data.outcome === 'string' ? end.data.outcome : null,
        step: c.nodeId,
        converted: null,
        endedAt: end ? new Date(end.time).toISOString() : null,
        lastCallOutcome: typeof callOutcome === 'string' ? callOutcome : null,
        texts: sent['sms.sent'] ?? 0,
        emails: sent['email.sent'] ?? 0,
        calls: sent['call.placed'] ?? 0,
        webhooks: sent['webhook.called'] ?? 0,
      };
    }
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.contactId;
  }
}
