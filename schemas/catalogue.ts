// The node catalogue: every node kind, once. The validator, the editor and the runtime all derive from this table.
import type { z } from 'zod';
import type { NodeDefinition } from './node-definition.ts';
import { branch } from './nodes/branch.ts';
import { complianceGate } from './nodes/compliance-gate.ts';
import { dialer } from './nodes/dialer.ts';
import { email } from './nodes/email.ts';
import { end } from './nodes/end.ts';
import { sms } from './nodes/sms.ts';
import { split } from './nodes/split.ts';
import { start } from './nodes/start.ts';
import { waitForEvent } from './nodes/wait-for-event.ts';
import { wait } from './nodes/wait.ts';
import { webhook } from './nodes/webhook.ts';

export const nodeCatalogue = {
  start,
  'compliance-gate': complianceGate,
  dialer,
  sms,
  email,
  wait,
  'wait-for-event': waitForEvent,
  branch,
  split,
  webhook,
  end,
} as const;

export type NodeKind = keyof typeof nodeCatalogue;
export const nodeKinds = Object.keys(nodeCatalogue) as NodeKind[];

/** A kind's config after defaults are applied: what the runtime and the editor work with. */
export type NodeConfig<K extends NodeKind> = z.output<(typeof nodeCatalogue)[K]['config']>;

export function isNodeKind(kind: unknown): kind is NodeKind {
  return typeof kind === 'string' && Object.hasOwn(nodeCatalogue, kind);
}

export function definitionOf(kind: NodeKind): NodeDefinition {
  return nodeCatalogue[kind] as unknown as NodeDefinition;
}

/** The output ports of a step with this (already valid) config. */
export function portsOf(kind: NodeKind, config: unknown): string[] {
  const def = definitionOf(kind);
  return typeof def.ports === 'function' ? def.ports(config) : [...def.ports];
}

/** The config a step gets when it is dropped on the canvas. */
export function defaultConfig(kind: NodeKind): Record<string, unknown> {
  const parsed = definitionOf(kind).config.safeParse({});
  if (parsed.success) return parsed.data as Record<string, unknown>;
  // Kinds with required fields: keep what the schema could fill in; the validator then asks for the rest.
  const partial: Record<string, unknown> = {};
  const shape = (definitionOf(kind).config as unknown as { shape?: Record<string, z.ZodType> }).shape;
  for (const [key, field] of Object.entries(shape ?? {})) {
    const value = field.safeParse(undefined);
    if (value.success && value.data !== undefined) partial[key] = value.data;
  }
  return partial;
}
