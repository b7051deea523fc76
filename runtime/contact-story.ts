// A contact's place in a run told in words: why it is where it is now, and each of its events as a sentence, with
// times in the contact's own time zone (the journey's where the contact's is not known) and ISO times in the data.
import { DateTime } from 'luxon';
import { isValidTimezone } from '../schemas/fields.ts';
import type { Journey } from '../schemas/journey.ts';
import { dialQueueWaitText, onCallWaitText } from './engine/wait-markers.ts';
import { parseJson } from './store/json.ts';
import type { CursorWithContact, SendRow, StoredEvent } from './store/repositories/run-contacts.ts';

/** Why a contact is where it is now. */
export type Whereabouts =
  | { kind: 'finished'; outcome: string | null; at: string | null }
  | { kind: 'released'; reason: string | null; at: string | null }
  /** A compliance rule holds it: a gate (or the check at the moment of calling) runs again at `until`. */
  | { kind: 'held'; channel: string | null; rule: string | null; check: string | null; reason: string | null; until: string | null }
  | { kind: 'waiting'; until: string | null }
  | { kind: 'waiting-for-event'; event: string; link: string | null; until: string | null }
  | { kind: 'queued-for-call' }
  | { kind: 'in-call'; stage: 'placed' | 'ringing' | 'answered' | 'with-agent'; placedAt: string | null; agent: string | null }
  | { kind: 'awaiting-provider'; channel: string | null; since: string | null; attempts: number; lastError: string | null }
  | { kind: 'moving'; at: string | null };

/** The events whereabouts read besides the cursor: the last hold, the call under way, the end. */
export const whereaboutsEventTypes = [
  'compliance.deferred',
  'call.placed',
  'call.ringing',
  'call.answered',
  'call.connectedToAgent',
  'contact.completed',
  'contact.released',
] as const;

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The zone a contact's times are told in: its own when known, else the journey's. */
export function zoneOf(contact: { timezone: string | null }, journey: Journey): string {
  return contact.timezone && isValidTimezone(contact.timezone) ? contact.timezone : journey.settings.timezone;
}

/** "Tue 6 Jan 08:00" in the zone; with `sameDayAs`, only "08:00" when on the same local day. */
export function localTime(ms: number, zone: string, sameDayAs?: number): string {
  const at = DateTime.fromMillis(ms, { zone });
  if (sameDayAs !== undefined && DateTime.fromMillis(sameDayAs, { zone }).hasSame(at, 'day')) return at.toFormat('HH:mm');
  return at.toFormat('ccc d LLL HH:mm');
}

const channelNouns: Record<string, string> = { voice: 'call', sms: 'text', email: 'email', webhook: 'webhook' };

function stepName(journey: Journey, nodeId: string | null): string {
  if (!nodeId) return 'the run';
  const node = journey.nodes[nodeId];
  return node?.label ? `'${node.label}'` : `'${nodeId}'`;
}

/** The channel a step holds a contact for: a gate's own channel, or calls for a dialer. */
function channelOfStep(journey: Journey, nodeId: string): string | null {
  const node = journey.nodes[nodeId];
  if (node?.type === 'compliance-gate') return node.config.channel;
  if (node?.type === 'dialer') return 'voice';
  return null;
}

/**
 * Where the contact is and why, from its cursor, its latest events of `whereaboutsEventTypes` and its sends. The
 * cursor's status and wait say the kind (see runtime/engine/steps.ts); the events and the send say the details.
 */
export function whereabouts(
  cursor: CursorWithContact,
  journey: Journey,
  events: readonly StoredEvent[],
  sends: readonly SendRow[],
  agentName: (id: string) => string,
): { why: Whereabouts; words: string } {
  const zone = zoneOf(cursor, journey);
  const when = (ms: number | null) => (ms === null ? 'later' : localTime(ms, zone));
  const last = (types: readonly string[]) =>
    [...events].reverse().find((e) => types.includes(e.type) && (e.nodeId === cursor.nodeId || e.type.startsWith('contact.')));
  if (cursor.status === 'done') {
    const released = last(['contact.released']);
    if (released) {
      const reason = parseJson(released.data).reason;
      const why: Whereabouts = { kind: 'released', reason: typeof reason === 'string' ? reason : null, at: iso(released.time) };
      return { why, words: `Released ${when(released.time)}${why.reason ? `: ${why.reason}` : ''}` };
    }
    const completed = last(['contact.completed']);
    const outcome = completed ? parseJson(completed.data).outcome : undefined;
    const why: Whereabouts = { kind: 'finished', outcome: typeof outcome === 'string' ? outcome : null, at: iso(completed?.time) };
    return { why, words: `Finished${completed ? ` ${when(completed.time)}` : ''}${why.outcome ? ` with the outcome '${why.outcome}'` : ''}` };
  }
  if (cursor.status === 'ready' && cursor.attempt > 0) {
    const deferred = last(['compliance.deferred']);
    const data = deferred ? parseJson(deferred.data) : {};
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    const channel = text(data.channel) ?? channelOfStep(journey, cursor.nodeId);
    const why: Whereabouts = { kind: 'held', channel, rule: text(data.rule), check: text(data.check), reason: text(data.reason), until: iso(cursor.dueAt) };
    const noun = channel ? (channelNouns[channel] ?? channel) : 'contact';
    return { why, words: `${capital(noun)} held${why.rule ? ` by ${why.rule}` : ''}: ${why.reason ?? 'a compliance rule'} Until ${when(cursor.dueAt)}.` };
  }
  if (cursor.status === 'ready') {
    return { why: { kind: 'moving', at: iso(cursor.dueAt) }, words: `Moving on ${when(cursor.dueAt)}` };
  }
  if (cursor.status === 'waiting') {
    if (cursor.waitEvent) {
      const wait = parseJson(cursor.waitEvent);
      const why: Whereabouts = { kind: 'waiting-for-event', event: wait.type, link: wait.link ?? null, until: iso(cursor.dueAt) };
      const what = eventWords[wait.type] ?? wait.type;
      return { why, words: `Waiting for ${what}${wait.link ? ` ('${wait.link}')` : ''} until ${when(cursor.dueAt)}` };
    }
    return { why: { kind: 'waiting', until: iso(cursor.dueAt) }, words: `Waiting until ${when(cursor.dueAt)}` };
  }
  // In flight: queued for the dialer, on a call, or handed to a provider that has not answered yet.
  if (cursor.waitEvent === dialQueueWaitText) return { why: { kind: 'queued-for-call' }, words: 'In the queue for a call' };
  if (cursor.waitEvent === onCallWaitText) {
    const callEvents = events.filter((e) => e.nodeId === cursor.nodeId && e.type.startsWith('call.'));
    const placedAt = [...callEvents].reverse().find((e) => e.type === 'call.placed');
    const since = placedAt ? callEvents.filter((e) => e.seq >= placedAt.seq) : [];
    const agentEvent = since.find((e) => e.type === 'call.connectedToAgent');
    const agentId = agentEvent ? parseJson(agentEvent.data).agentId : undefined;
    const agent = typeof agentId === 'string' ? agentName(agentId) : null;
    const stage = agentEvent
      ? 'with-agent'
      : since.some((e) => e.type === 'call.answered')
        ? 'answered'
        : since.some((e) => e.type === 'call.ringing')
          ? 'ringing'
          : 'placed';
    const why: Whereabouts = { kind: 'in-call', stage, placedAt: iso(placedAt?.time), agent };
    const stageWords = { placed: 'dialling', ringing: 'ringing', answered: 'answered, waiting for an agent', 'with-agent': `talking with ${agent}` }[stage];
    return { why, words: `In a call${placedAt ? ` placed ${when(placedAt.time)}` : ''}: ${stageWords}` };
  }
  const send = [...sends].reverse().find((s) => s.nodeId === cursor.nodeId && s.key.endsWith(`:${cursor.nodeId}:${cursor.visit}`));
  const why: Whereabouts = {
    kind: 'awaiting-provider',
    channel: send?.channel ?? null,
    since: iso(send?.createdAt),
    attempts: send?.attempts ?? 0,
    lastError: send?.error ?? null,
  };
  const noun = send ? (channelNouns[send.channel] ?? send.channel) : 'message';
  return {
    why,
    words: `Waiting for the ${noun} provider's answer${send ? ` since ${when(send.createdAt)}` : ''}${send?.error ? ` (last try: ${send.error})` : ''}`,
  };
}

const eventWords: Record<string, string> = { 'link.clicked': 'a click', 'sms.replied': 'a reply', 'email.opened': 'the email to be opened' };

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface TimelineEntry {
  seq: number;
  type: string;
  time: string;
  nodeId: string | null;
  port: string | null;
  sentence: string;
  /** The message as it was rendered for this contact, for sends. */
  message: { channel: string; subject?: string; body: string } | null;
  data: Record<string, unknown>;
}

const quote = (text: string, max = 80) => `'${text.length > max ? `${text.slice(0, max - 1)}…` : text}'`;
const minutes = (ms: number) => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);
const words = (text: string) => text.replace(/-/g, ' ');

/** The rendered message of a send, matched to its event by step and visit (the send's idempotency key ends so). */
function messageOf(send: SendRow | undefined): TimelineEntry['message'] {
  if (!send) return null;
  const payload = parseJson(send.payload as never) as Record<string, unknown>;
  if (send.channel === 'sms' && typeof payload.body === 'string') return { channel: 'sms', body: payload.body };
  if (send.channel === 'email') {
    return { channel: 'email', subject: String(payload.subject ?? ''), body: String(payload.text ?? payload.html ?? '') };
  }
  return null;
}

/** Each event of one contact as a sentence, in order, with the path of steps it went through. */
export function contactTimeline(
  events: readonly StoredEvent[],
  sends: readonly SendRow[],
  journey: Journey,
  zone: string,
  agentName: (id: string) => string,
): { entries: TimelineEntry[]; path: string[] } {
  const entries: TimelineEntry[] = [];
  const path: string[] = [];
  const visits = new Map<string, number>();
  const sendByKey = new Map(sends.map((s) => [s.key.split(':').slice(-2).join(':'), s]));
  let previous: number | undefined;
  // The call under way at each step: its moments, for the sentence that ends it.
  const calls = new Map<string, { placedAt: number; answered: boolean; verdict?: string; agent?: string; connectedAt?: number }>();
  for (const event of events) {
    const data = parseJson(event.data);
    const at = localTime(event.time, zone, previous);
    previous = event.time;
    const node = event.nodeId ?? '';
    const noun = (channel: unknown) => (typeof channel === 'string' ? (channelNouns[channel] ?? channel) : 'contact');
    let message: TimelineEntry['message'] = null;
    let sentence: string;
    switch (event.type) {
      case 'contact.entered':
        sentence = `Entered the run at ${at}`;
        break;
      case 'node.entered':
        visits.set(node, Number(data.visit ?? 1));
        path.push(node);
        sentence = `Reached ${stepName(journey, event.nodeId)} at ${at}`;
        break;
      case 'node.exited':
        sentence = `Left ${stepName(journey, event.nodeId)} by '${event.port}' at ${at}`;
        break;
      case 'sms.sent':
        message = messageOf(sendByKey.get(`${node}:${visits.get(node) ?? 1}`));
        sentence = `Texted at ${at}${message ? `: ${quote(message.body)}` : ''}`;
        break;
      case 'sms.delivered':
        sentence = `Text delivered ${at}`;
        break;
      case 'sms.failed':
        sentence = `Text failed ${at}: ${data.reason ?? 'no reason given'}`;
        break;
      case 'sms.replied':
        sentence = `Replied ${quote(String(data.text ?? ''))} at ${at}`;
        break;
      case 'email.sent':
        message = messageOf(sendByKey.get(`${node}:${visits.get(node) ?? 1}`));
        sentence = `Emailed at ${at}${message?.subject ? `: ${quote(message.subject)}` : ''}`;
        break;
      case 'email.delivered':
        sentence = `Email delivered ${at}`;
        break;
      case 'email.bounced':
        sentence = `Email bounced ${at}: ${data.reason ?? 'no reason given'}`;
        break;
      case 'email.opened':
        sentence = `Opened the email ${at}`;
        break;
      case 'email.unsubscribed':
        sentence = `Unsubscribed ${at}`;
        break;
      case 'email.complained':
        sentence = `Marked the email as spam ${at}`;
        break;
      case 'link.clicked':
        sentence = `Clicked ${quote(String(data.link ?? 'a link'))} ${at}`;
        break;
      case 'call.placed':
        calls.set(node, { placedAt: event.time, answered: false });
        sentence = `Called ${at}`;
        break;
      case 'call.ringing':
        sentence = `Phone ringing ${at}`;
        break;
      case 'call.answered': {
        const call = calls.get(node);
        if (call) call.answered = true;
        sentence = `Answered ${at}`;
        break;
      }
      case 'call.customerGreetingStart':
        sentence = `Greeting began ${at}`;
        break;
      case 'call.customerGreetingStop':
        sentence = `Greeting ended ${at}`;
        break;
      case 'call.amd': {
        const call = calls.get(node);
        if (call) call.verdict = String(data.verdict);
        sentence = `The answering-machine detector heard a ${data.verdict === 'machine' ? 'machine' : 'person'} ${at}`;
        break;
      }
      case 'call.connectedToAgent': {
        const agent = agentName(String(data.agentId));
        const call = calls.get(node);
        if (call) Object.assign(call, { agent, connectedAt: event.time });
        sentence = `Connected to ${agent} ${at}`;
        break;
      }
      case 'call.abandoned':
        sentence = `Call abandoned ${at}: ${data.reason === 'amd-false-positive' ? 'the detector took the person for a machine' : 'no agent was free'}`;
        break;
      case 'call.ended': {
        const call = calls.get(node);
        calls.delete(node);
        sentence = callSentence(event.time, data, call, zone);
        break;
      }
      case 'call.dispositioned':
        sentence = `Outcome recorded ${at}: ${words(String(data.disposition ?? ''))}`;
        break;
      case 'webhook.called':
        sentence = data.error
          ? `Webhook try ${data.attempt ?? ''} failed ${at}: ${data.error}`.replace('try  ', 'try ')
          : `Webhook called ${at}${data.status !== undefined ? `: status ${data.status}` : ''}`;
        break;
      case 'compliance.deferred': {
        const until = typeof data.nextAllowedAt === 'string' ? Date.parse(data.nextAllowedAt) : undefined;
        sentence = `${capital(noun(data.channel ?? channelOfStep(journey, node)))} held ${at}: ${data.reason ?? ''}${until ? ` Until ${localTime(until, zone, event.time)}.` : ''}`;
        break;
      }
      case 'compliance.blocked':
        sentence = `${capital(noun(channelOfStep(journey, node)))} blocked ${at}: ${data.reason ?? ''}`;
        break;
      case 'compliance.refused':
        sentence = `${capital(noun(data.channel))} not sent ${at}: ${data.reason ?? ''}`;
        break;
      case 'contact.optedOut':
        sentence = `Opted out of ${noun(data.channel)}s ${at}${data.keyword ? ` (replied ${data.keyword})` : data.disposition ? ` (call outcome ${words(String(data.disposition))})` : ''}`;
        break;
      case 'contact.optedIn':
        sentence = `Opted back in to ${noun(data.channel)}s ${at}${data.keyword ? ` (replied ${data.keyword})` : ''}`;
        break;
      case 'contact.completed':
        sentence = `Finished ${at} with the outcome '${data.outcome}'${data.reason ? `: ${data.reason}` : ''}`;
        break;
      case 'contact.released':
        sentence = `Released ${at}${data.reason ? `: ${data.reason}` : ''}`;
        break;
      default:
        sentence = `${event.type} ${at}`;
    }
    entries.push({
      seq: event.seq,
      type: event.type,
      time: new Date(event.time).toISOString(),
      nodeId: event.nodeId,
      port: event.port,
      sentence,
      message,
      data,
    });
  }
  return { entries, path };
}

/** "Call ended 08:04: answered by a person, talked 3 min with Sam, outcome: promise to pay". */
function callSentence(
  endedAt: number,
  data: Record<string, unknown>,
  call: { placedAt: number; answered: boolean; verdict?: string; agent?: string; connectedAt?: number } | undefined,
  zone: string,
): string {
  const parts: string[] = [];
  const port = String(data.port ?? '');
  if (port === 'no-answer') parts.push(data.disposition === 'busy' ? 'the line was busy' : 'no answer');
  else if (port === 'failed') parts.push(`not connected${data.disposition ? ` (${words(String(data.disposition))})` : ''}`);
  else if (port === 'machine') parts.push('answered by a machine');
  else if (call?.answered) parts.push('answered by a person');
  if (call?.agent && call.connectedAt !== undefined) {
    const length = minutes(endedAt - call.connectedAt);
    parts.push(port === 'machine' ? `${call.agent} listened for ${length}` : `talked ${length} with ${call.agent}`);
  }
  if (port === 'abandoned') parts.push('abandoned');
  if (typeof data.disposition === 'string' && port !== 'failed' && port !== 'no-answer') parts.push(`outcome: ${words(data.disposition)}`);
  return `Call ended ${localTime(endedAt, zone, call?.placedAt ?? endedAt)}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}
