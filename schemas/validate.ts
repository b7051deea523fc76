// Journey validation: the document, each step's config against the catalogue, and the graph the steps form.
import type { z } from 'zod';
import { definitionOf, isNodeKind, nodeKinds, portsOf, type NodeKind } from './catalogue.ts';
import { composeMessage, fieldName, plainIssues } from './issue-messages.ts';
import { journeyEnvelope, nodeEnvelope, type Journey, type JourneyNode } from './journey.ts';
import type { Channel } from './node-definition.ts';
import { jsonPointer, type Problem } from './problems.ts';
import { slugPattern } from './fields.ts';
import { inheritedLinkNames } from './nodes/links.ts';
import { attributeProblems, contactFieldProblems, editDistance, type AttributeCheck, type StepTemplates } from './template-references.ts';

export interface ValidateOptions {
  /**
   * The columns of the contact list the journey runs on, as the server knows them: attributes a step reads that the list
   * lacks (and no webhook step saves) are then warnings. Without it, attributes are not checked.
   */
  attributes?: AttributeCheck;
  /**
   * The journey was published under the rules of its day: checks added since, which refuse publishing but leave the
   * journey runnable (a gate before each channel step, known contact fields), are warnings, so that its runs go on.
   */
  published?: boolean;
}

export interface ValidationResult {
  /** The checked journey, with defaults filled in; present only when there is no error. */
  journey?: Journey;
  problems: Problem[];
}

/** What is known of a step once its own checks ran; config and ports only when its config is valid. */
interface CheckedNode {
  id: string;
  kind?: NodeKind;
  label?: string;
  config?: unknown;
  ports?: string[];
  next: Record<string, string>;
  raw?: z.infer<typeof nodeEnvelope>;
}

const waitKinds = new Set<string>(['wait', 'wait-for-event']);
const channelNames: Record<Channel, string> = { voice: 'calls', sms: 'SMS', email: 'email' };

export function stepName(kind: string | undefined, id: string, label?: string): string {
  const kindLabel = kind && isNodeKind(kind) ? definitionOf(kind).label : 'step';
  return kind && isNodeKind(kind) ? `The ${kindLabel} step '${label ?? id}'` : `The step '${label ?? id}'`;
}

export function validateJourney(value: unknown, options: ValidateOptions = {}): ValidationResult {
  const problems: Problem[] = [];
  const error = (path: readonly PropertyKey[], message: string, nodeId?: string) =>
    problems.push({ severity: 'error', ...(nodeId !== undefined && { nodeId }), path: jsonPointer(path), message });
  const warn = (path: readonly PropertyKey[], message: string, nodeId?: string) =>
    problems.push({ severity: 'warning', ...(nodeId !== undefined && { nodeId }), path: jsonPointer(path), message });
  const refuse = options.published ? warn : error;

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    error([], 'The file is not a journey: it should be a JSON object with schemaVersion, id, name, settings and nodes.');
    return { problems };
  }

  const envelope = journeyEnvelope.safeParse(value, { error: plainIssues });
  if (!envelope.success) {
    for (const issue of envelope.error.issues) {
      error(issue.path, composeMessage('The journey', fieldName(journeyEnvelope, issue.path), issue.message));
    }
  }
  const doc = value as Record<string, unknown>;
  const rawNodes = doc.nodes;
  if (typeof rawNodes !== 'object' || rawNodes === null || Array.isArray(rawNodes)) return { problems };
  // Graph checks need the version the tool can read; a file from another version is not read further.
  if (doc.schemaVersion !== 1) return { problems };

  const nodes = new Map<string, CheckedNode>();
  for (const id of Object.keys(rawNodes).sort()) {
    nodes.set(id, checkNode(id, (rawNodes as Record<string, unknown>)[id], error));
  }

  for (const node of nodes.values()) {
    for (const [port, target] of Object.entries(node.next)) {
      const base = ['nodes', node.id, 'next', port];
      const name = stepName(node.kind, node.id, node.label);
      if (node.ports && !node.ports.includes(port)) {
        error(
          base,
          node.ports.length
            ? `${name} has no exit called "${port}"; its exits are ${node.ports.map((p) => `"${p}"`).join(', ')}`
            : `${name} is the end of the journey and cannot lead anywhere; remove "next"`,
          node.id,
        );
      }
      if (typeof target === 'string' && !nodes.has(target)) {
        error(base, `${name} leads from "${port}" to "${target}", which is not a step in this journey`, node.id);
      }
    }
  }

  checkGraph(nodes, error, warn, refuse);
  checkReferences(nodes, warn);
  const steps: StepTemplates[] = [...nodes.values()].flatMap((n) => (n.kind && n.config !== undefined ? [{ id: n.id, kind: n.kind, config: n.config }] : []));
  const nameOf = (step: StepTemplates) => stepName(step.kind, step.id, nodes.get(step.id)?.label);
  for (const problem of contactFieldProblems(steps, nameOf)) problems.push(options.published ? { ...problem, severity: 'warning' } : problem);
  if (options.attributes) {
    const start = steps.find((s) => s.kind === 'start')?.config as { audience?: { list?: string } } | undefined;
    const listId = options.attributes.listId ?? start?.audience?.list;
    problems.push(...attributeProblems(steps, { ...options.attributes, ...(listId !== undefined && { listId }) }, nameOf));
  }
  checkHelpContact(doc.settings, nodes, warn);

  if (problems.some((p) => p.severity === 'error')) return { problems };
  const journey = toJourney(envelope.data!, nodes);
  return { journey, problems };
}

/**
 * Carriers expect the automatic answer to a HELP text to say how to reach a person (a phone number or an email address);
 * a journey that texts without one answers with the sender's name alone.
 */
function checkHelpContact(settings: unknown, nodes: Map<string, CheckedNode>, warn: (path: readonly PropertyKey[], message: string) => void): void {
  const texts = [...nodes.values()].some((node) => node.kind && definitionOf(node.kind).channel === 'sms');
  if (!texts || typeof settings !== 'object' || settings === null || 'helpContact' in settings) return;
  warn(
    ['settings', 'helpContact'],
    'The journey sends texts but does not say how contacts reach you: the automatic answer to a HELP text would give only its name. Fill in "How contacts reach you" with a phone number or an email address',
  );
}

function checkNode(
  id: string,
  raw: unknown,
  error: (path: readonly PropertyKey[], message: string, nodeId?: string) => void,
): CheckedNode {
  const node: CheckedNode = { id, next: {} };
  const base = ['nodes', id];
  if (!slugPattern.test(id)) {
    error(base, `The step id "${id}" must be lower-case letters, digits and hyphens, starting with a letter or digit (for example "first-call")`, id);
  }
  const envelope = nodeEnvelope.safeParse(raw, { error: plainIssues });
  if (!envelope.success) {
    const kind = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    const name = stepName(typeof kind === 'string' ? kind : undefined, id);
    for (const issue of envelope.error.issues) {
      error([...base, ...issue.path], composeMessage(name, fieldName(nodeEnvelope, issue.path), issue.message), id);
    }
    if (typeof raw !== 'object' || raw === null) return node;
    const next = (raw as { next?: unknown }).next;
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node.next = Object.fromEntries(Object.entries(next).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    }
    if (typeof kind === 'string' && isNodeKind(kind)) node.kind = kind;
    return node;
  }
  node.raw = envelope.data;
  node.label = envelope.data.label;
  node.next = envelope.data.next ?? {};
  const kind = envelope.data.type;
  if (!isNodeKind(kind)) {
    const guess = closest(kind, nodeKinds);
    error(
      [...base, 'type'],
      `The step '${id}' is of an unknown kind "${kind}"${guess ? `; did you mean "${guess}"?` : '.'} Known kinds: ${nodeKinds.join(', ')}`,
      id,
    );
    return node;
  }
  node.kind = kind;
  const def = definitionOf(kind);
  const parsed = def.config.safeParse(envelope.data.config ?? {}, { error: plainIssues });
  const name = stepName(kind, id, node.label);
  for (const issue of inheritedLinkNames(envelope.data.config)) error([...base, 'config', ...issue.path], composeMessage(name, fieldName(def.config, ['links']), issue.message), id);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      error([...base, 'config', ...issue.path], composeMessage(name, fieldName(def.config, issue.path), issue.message), id);
    }
    return node;
  }
  node.config = parsed.data;
  node.ports = portsOf(kind, parsed.data);
  return node;
}

function checkGraph(
  nodes: Map<string, CheckedNode>,
  error: (path: readonly PropertyKey[], message: string, nodeId?: string) => void,
  warn: (path: readonly PropertyKey[], message: string, nodeId?: string) => void,
  refuse: (path: readonly PropertyKey[], message: string, nodeId?: string) => void,
): void {
  const starts = [...nodes.values()].filter((n) => n.kind === 'start');
  if (starts.length === 0) {
    error(['nodes'], 'The journey has no Start step: add one to say who enters the journey');
  }
  for (const extra of starts.slice(1)) {
    error(['nodes', extra.id], `The journey has more than one Start step ('${starts[0]!.id}' and '${extra.id}'); keep one`, extra.id);
  }
  const edges = (n: CheckedNode) => Object.values(n.next).filter((t) => nodes.has(t));

  for (const node of nodes.values()) {
    for (const [port, target] of Object.entries(node.next)) {
      if (nodes.get(target)?.kind === 'start') {
        error(['nodes', node.id, 'next', port], `${stepName(node.kind, node.id, node.label)} leads back to the Start step; contacts enter only once, so connect it to another step`, node.id);
      }
    }
  }

  const start = starts[0];
  if (start) {
    const reached = new Set<string>([start.id]);
    const queue = [start.id];
    while (queue.length) {
      for (const target of edges(nodes.get(queue.shift()!)!)) {
        if (!reached.has(target)) {
          reached.add(target);
          queue.push(target);
        }
      }
    }
    for (const node of nodes.values()) {
      if (!reached.has(node.id) && node.kind !== 'start') {
        error(['nodes', node.id], `${stepName(node.kind, node.id, node.label)} cannot be reached from the Start step; connect a step to it or remove it`, node.id);
      }
    }
  }

  // A loop is only safe when a wait slows it down: look for cycles among the steps that do not wait.
  const moving = [...nodes.values()].filter((n) => !waitKinds.has(n.kind ?? ''));
  const movingEdges = (n: CheckedNode) => edges(n).filter((t) => !waitKinds.has(nodes.get(t)?.kind ?? ''));
  for (const component of stronglyConnected(moving, movingEdges)) {
    const first = component[0]!;
    const selfLoop = component.length === 1 && edges(nodes.get(first)!).includes(first);
    if (component.length < 2 && !selfLoop) continue;
    const loop = loopThrough(first, new Set(component), (id) => movingEdges(nodes.get(id)!));
    error(
      ['nodes', first],
      `Steps ${loop.map((id) => `'${id}'`).join(' → ')} form a loop with no Wait in it: a contact would go round without pause. Add a Wait or a Wait for a reaction inside the loop`,
      first,
    );
  }

  for (const node of nodes.values()) {
    if (!node.ports || !node.kind) continue;
    const def = definitionOf(node.kind);
    for (const port of node.ports) {
      if (!(port in node.next)) {
        const portLabel = def.portLabels?.[port] ?? port;
        warn(
          ['nodes', node.id, 'next', port],
          `${stepName(node.kind, node.id, node.label)} has no next step for "${portLabel}": contacts who leave that way end their journey there`,
          node.id,
        );
      }
    }
  }

  if (start) {
    for (const channel of ['voice', 'sms', 'email'] as const) {
      for (const id of unguarded(nodes, start.id, channel)) {
        const node = nodes.get(id)!;
        if (node.kind && definitionOf(node.kind).channel === channel) {
          // Every journey has a compliance profile, so a channel step no gate guards is refused, not merely noted.
          refuse(
            ['nodes', id],
            `${stepName(node.kind, id, node.label)} can be reached without passing a compliance gate for ${channelNames[channel]}; put one before it so that allowed hours, do-not-contact lists and consent are checked`,
            id,
          );
        }
      }
    }
  }
}

/** Steps reachable from start without leaving a compliance gate for `channel` by its "allowed" exit. */
function unguarded(nodes: Map<string, CheckedNode>, startId: string, channel: Channel): Set<string> {
  const seen = new Set<string>([startId]);
  const queue = [startId];
  while (queue.length) {
    const node = nodes.get(queue.shift()!)!;
    const gate = node.kind === 'compliance-gate' && (node.config as { channel?: string } | undefined)?.channel === channel;
    for (const [port, target] of Object.entries(node.next)) {
      if (gate && port === 'allowed') continue;
      if (nodes.has(target) && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

function checkReferences(nodes: Map<string, CheckedNode>, warn: (path: readonly PropertyKey[], message: string, nodeId?: string) => void): void {
  const declaredLinks = new Set<string>();
  for (const node of nodes.values()) {
    const links = (node.config as { links?: Record<string, string> } | undefined)?.links;
    if ((node.kind === 'sms' || node.kind === 'email') && links) Object.keys(links).forEach((l) => declaredLinks.add(l));
  }
  for (const node of nodes.values()) {
    const name = stepName(node.kind, node.id, node.label);
    if (node.kind === 'branch' && node.config) {
      const rules = (node.config as { rules: { conditions: { field: string }[] }[] }).rules;
      rules.forEach((rule, r) =>
        rule.conditions.forEach((condition, c) => {
          const ref = /^results\.([a-z0-9][a-z0-9-]*)\./.exec(condition.field)?.[1];
          if (ref && !nodes.has(ref)) {
            warn(
              ['nodes', node.id, 'config', 'rules', r, 'conditions', c, 'field'],
              `${name} checks the result of '${ref}', which is not a step in this journey; the condition will never hold`,
              node.id,
            );
          }
        }),
      );
    }
    if (node.kind === 'wait-for-event' && node.config) {
      const link = (node.config as { link?: string }).link;
      if (link && !declaredLinks.has(link)) {
        warn(['nodes', node.id, 'config', 'link'], `${name} waits for a click on the link "${link}", but no SMS or email step has a link of that name`, node.id);
      }
    }
  }
}

function toJourney(envelope: z.infer<typeof journeyEnvelope>, nodes: Map<string, CheckedNode>): Journey {
  const out: Record<string, JourneyNode> = {};
  for (const node of nodes.values()) {
    const raw = node.raw!;
    out[node.id] = {
      id: node.id,
      type: node.kind!,
      ...(raw.label !== undefined && { label: raw.label }),
      position: raw.position,
      config: node.config,
      next: { ...node.next },
    } as JourneyNode;
  }
  return {
    schemaVersion: envelope.schemaVersion,
    id: envelope.id,
    name: envelope.name,
    ...(envelope.description !== undefined && { description: envelope.description }),
    settings: envelope.settings,
    nodes: out,
  };
}

/** A loop from `start` back to itself along real edges inside one component, for a message that reads as the flow. */
function loopThrough(start: string, members: Set<string>, successors: (id: string) => string[]): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const id = queue.shift()!;
    for (const next of [...successors(id)].sort()) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = id; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, id);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** Tarjan's algorithm; components come out in a deterministic order, each sorted by id. */
function stronglyConnected<N extends { id: string }>(items: N[], successors: (n: N) => string[]): string[][] {
  const byId = new Map(items.map((n) => [n.id, n]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (id: string) => {
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    for (const next of successors(byId.get(id)!)) {
      if (!byId.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(id, Math.min(low.get(id)!, index.get(next)!));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== id);
      out.push(component.sort());
    }
  };
  for (const item of items) if (!index.has(item.id)) visit(item.id);
  return out;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
