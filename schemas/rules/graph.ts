// What the journey's rules look at: the steps as the validator checked them one by one, and how they connect.
import type { z } from 'zod';
import { definitionOf, isNodeKind, type NodeKind } from '../catalogue.ts';
import type { nodeEnvelope } from '../journey.ts';
import type { NodeDefinition } from '../node-definition.ts';

/** What is known of a step once its own checks ran; config and ports only when its config is valid. */
export interface GraphStep {
  id: string;
  kind?: NodeKind;
  label?: string;
  config?: unknown;
  ports?: string[];
  next: Record<string, string>;
  raw?: z.infer<typeof nodeEnvelope>;
}

/** The journey as the rules see it: its steps by id (in id order) and its settings as written. */
export interface JourneyGraph {
  steps: ReadonlyMap<string, GraphStep>;
  settings?: unknown;
}

/** Something a rule found; the validator gives it its severity. */
export interface Finding {
  path: readonly PropertyKey[];
  message: string;
  nodeId?: string;
}

/** One rule of the journey's shape: what it finds, in a stable order. */
export type GraphRule = (graph: JourneyGraph) => Finding[];

export function stepName(kind: string | undefined, id: string, label?: string): string {
  const kindLabel = kind && isNodeKind(kind) ? definitionOf(kind).label : 'step';
  return kind && isNodeKind(kind) ? `The ${kindLabel} step '${label ?? id}'` : `The step '${label ?? id}'`;
}

export function nameOf(step: GraphStep): string {
  return stepName(step.kind, step.id, step.label);
}

/** The definition of the step's kind, when the kind is known. */
export function definitionOfStep(step: GraphStep | undefined): NodeDefinition | undefined {
  return step?.kind ? definitionOf(step.kind) : undefined;
}

/** The steps a step leads to that are in the journey. */
export function successors(graph: JourneyGraph, step: GraphStep): string[] {
  return Object.values(step.next).filter((target) => graph.steps.has(target));
}

/** The steps where contacts enter (Start), in id order. */
export function entrySteps(graph: JourneyGraph): GraphStep[] {
  return [...graph.steps.values()].filter((step) => definitionOfStep(step)?.entry);
}
