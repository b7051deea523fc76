// Journey validation: the document, each step's config against the catalogue, and the graph the steps form.
import type { z } from 'zod';
import { definitionOf, isNodeKind, nodeKinds, portsOf } from './catalogue.ts';
import { composeMessage, fieldName, plainIssues } from './issue-messages.ts';
import { journeyEnvelope, nodeEnvelope, type Journey, type JourneyNode } from './journey.ts';
import { jsonPointer, type Problem } from './problems.ts';
import { slugPattern } from './fields.ts';
import { inheritedLinkNames } from './nodes/links.ts';
import { graphRules, settingsRules, stepName, type GraphStep, type JourneyGraph, type RuleEntry } from './rules/index.ts';
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

  const nodes = new Map<string, GraphStep>();
  for (const id of Object.keys(rawNodes).sort()) {
    nodes.set(id, checkNode(id, (rawNodes as Record<string, unknown>)[id], error));
  }

  const graph: JourneyGraph = { steps: nodes, settings: doc.settings };
  const check = (rules: readonly RuleEntry[]) => {
    for (const { rule, severity } of rules) {
      const report = severity === 'error' ? error : severity === 'warning' ? warn : refuse;
      for (const finding of rule(graph)) report(finding.path, finding.message, finding.nodeId);
    }
  };
  check(graphRules);
  const steps: StepTemplates[] = [...nodes.values()].flatMap((n) => (n.kind && n.config !== undefined ? [{ id: n.id, kind: n.kind, config: n.config }] : []));
  const nameOf = (step: StepTemplates) => stepName(step.kind, step.id, nodes.get(step.id)?.label);
  for (const problem of contactFieldProblems(steps, nameOf)) problems.push(options.published ? { ...problem, severity: 'warning' } : problem);
  if (options.attributes) {
    const start = steps.find((s) => definitionOf(s.kind).audienceList);
    const listId = options.attributes.listId ?? (start && definitionOf(start.kind).audienceList!(start.config));
    problems.push(...attributeProblems(steps, { ...options.attributes, ...(listId !== undefined && { listId }) }, nameOf));
  }
  check(settingsRules);

  if (problems.some((p) => p.severity === 'error')) return { problems };
  const journey = toJourney(envelope.data!, nodes);
  return { journey, problems };
}

function checkNode(id: string, raw: unknown, error: (path: readonly PropertyKey[], message: string, nodeId?: string) => void): GraphStep {
  const node: GraphStep = { id, next: {} };
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
  for (const issue of inheritedLinkNames(envelope.data.config))
    error([...base, 'config', ...issue.path], composeMessage(name, fieldName(def.config, ['links']), issue.message), id);
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

function toJourney(envelope: z.infer<typeof journeyEnvelope>, nodes: Map<string, GraphStep>): Journey {
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
