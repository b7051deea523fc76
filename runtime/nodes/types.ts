// What a node handler receives and what it may answer: handlers are pure, they never sleep and never do I/O.
import type { NodeKind } from '../../schemas/catalogue.ts';
import type { EventType } from '../../schemas/events.ts';
import type { Journey, JourneyNode } from '../../schemas/journey.ts';
import type { Payload } from '../channels/provider.ts';
import type { GateDecision, GateRequest } from '../compliance/gate.ts';
import type { TemplateScope } from '../templates/render.ts';
import type { LinkToken } from './links.ts';

/** A contact as handlers see it: fields, imported attributes (with anything a webhook saved) and consent. */
export interface ContactView {
  id: string;
  externalId: string | null;
  phone: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  timezone: string | null;
  state: string | null;
  postalCode: string | null;
  attributes: Record<string, unknown>;
  consent: Record<string, boolean | undefined>;
}

/** What earlier steps wrote for this contact, kept on its cursor. */
export interface Results {
  /** Per step: what it produced (a call's disposition, a webhook's status). */
  steps: Record<string, Record<string, unknown>>;
  /** The last call's outcome, for branches on `lastCall.*`. */
  lastCall?: Record<string, unknown>;
  /** Attributes saved during the journey (webhook replies); they override imported ones. */
  attributes?: Record<string, unknown>;
  /** How many times the contact entered each step; part of idempotency keys. */
  visits: Record<string, number>;
}

export interface EventDraft {
  type: EventType;
  data?: Record<string, unknown>;
}

export type StepOutcome =
  /** Leave by a port now. */
  | { type: 'exit'; port: string; result?: Record<string, unknown>; events?: EventDraft[] }
  /** Hold the contact until `until`, then leave by the kind's timer port (or by its event port if `event` arrives). */
  | { type: 'wait'; until: number; event?: WaitEvent; events?: EventDraft[] }
  /** Run this step again at `at` (a compliance gate holding a contact until hours open). */
  | { type: 'retry'; at: number; events?: EventDraft[] }
  /** Hand a message to a channel; the provider's answer picks the port. */
  | { type: 'send'; payload: Payload; events?: EventDraft[] }
  /** Join the step's call queue; the dialer places the call when its pacing allows. */
  | { type: 'dial'; events?: EventDraft[] }
  /** The journey is over for this contact. */
  | { type: 'end'; outcome: string; reason?: string };

export interface WaitEvent {
  type: string;
  /** For link clicks: only this link counts. */
  link?: string;
}

export interface StepServices {
  render(template: string, scope: TemplateScope): string;
  checkGate(request: Omit<GateRequest, 'isDoNotContact'>): GateDecision;
  /** A number in [0, 1) fixed for this run, contact and name (splits). */
  random(name: string): number;
  /** The signed token of a tracked link (or, with link '', of an email's open pixel), under the server's secret. */
  linkToken(token: LinkToken): string;
}

export interface StepContext<K extends NodeKind> {
  runId: string;
  journey: Journey;
  node: Extract<JourneyNode, { type: K }>;
  contact: ContactView;
  results: Results;
  visit: number;
  now: number;
  services: StepServices;
}

export interface NodeHandler<K extends NodeKind> {
  enter(context: StepContext<K>): StepOutcome;
  /** The port taken when the awaited event arrives. */
  eventPort?: string;
}

export type HandlerTable = { [K in NodeKind]: NodeHandler<K> };

/** The variables a template of this contact can read. */
export function templateScope(contact: ContactView, results: Results, links: Record<string, string> = {}): TemplateScope {
  const { attributes, consent: _consent, ...fields } = contact;
  return {
    contact: fields,
    attributes: { ...attributes, ...results.attributes },
    links,
    results: results.steps,
    lastCall: results.lastCall ?? {},
  };
}
