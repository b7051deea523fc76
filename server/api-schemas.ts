// The API's request and response shapes as Zod schemas: the routes declare them (so the OpenAPI document describes
// every body), and server/api-types.ts derives the TypeScript types from them. Where the runtime already defines a
// shape (a run's metrics, a contact, a compliance answer, an import), the schema mirrors it and a compile-time check
// below fails the build if the two drift apart.
import { z } from '@hono/zod-openapi';
import type { JourneyDiff } from '../schemas/diff.ts';
import type { Problem } from '../schemas/problems.ts';
import type { ComplianceCheckResult } from '../runtime/compliance/check.ts';
import type { ImportReport } from '../runtime/contacts/import-csv.ts';
import type { ImportJobView } from '../runtime/contacts/import-jobs.ts';
import type { RunChannelResults } from '../runtime/channel-results.ts';
import type { RunMetrics } from '../runtime/metrics.ts';
import type { ContactView } from '../runtime/nodes/types.ts';
import { auditActions } from '../runtime/store/repositories/audit.ts';
import { tokenRoles, type TokenSummary } from '../runtime/store/repositories/tokens.ts';
import type { AgentRowState, RunStatus } from '../runtime/store/schema.ts';

const iso = (description = 'ISO 8601') => z.string().openapi({ description });
const channels = ['voice', 'sms', 'email'] as const;
/** A JSON object of any keys (a journey file, an event's data, an audit entry's details). */
const anyObject = z.record(z.string(), z.unknown().openapi({ description: 'Any JSON value' }));

// Journeys

export const ProblemSchema = z
  .object({
    severity: z.enum(['error', 'warning']),
    nodeId: z.string().optional().openapi({ description: 'The step the problem is about; absent for problems with the whole document' }),
    path: z.string().openapi({ description: 'JSON pointer (RFC 6901) into the file' }),
    message: z.string(),
  })
  .openapi('Problem');

const FieldChange = z.object({ field: z.string(), old: z.unknown(), new: z.unknown() });
const NodeRef = { id: z.string(), type: z.string(), label: z.string().optional() };
export const JourneyChangesSchema = z
  .object({
    document: z.array(FieldChange),
    added: z.array(z.object({ ...NodeRef, summary: z.string().optional() })),
    removed: z.array(z.object(NodeRef)),
    changed: z.array(z.object({ ...NodeRef, fields: z.array(FieldChange) })),
    rewired: z.array(z.object({ id: z.string(), port: z.string(), old: z.string().nullable(), new: z.string().nullable() })),
    moved: z.array(z.string()).openapi({ description: 'Steps whose only change is their place on the canvas' }),
  })
  .openapi('JourneyChanges');

export const JourneyDocumentSchema = anyObject.openapi('JourneyDocument', { description: 'A journey file (see schemas/journey.schema.json)' });

export const JourneySummarySchema = z
  .object({ id: z.string(), name: z.string(), updatedAt: iso(), latestVersion: z.number().int().nullable() })
  .openapi('JourneySummary');

export const JourneyDraftSchema = JourneySummarySchema.extend({
  journey: anyObject.openapi({ description: 'The canonical document as JSON' }),
  text: z.string().openapi({ description: 'The canonical file, byte for byte what `journey fmt` writes' }),
  problems: z.array(ProblemSchema).openapi({ description: "The validator's warnings (a draft with errors is refused)" }),
  etag: z.string().openapi({ description: "The draft's ETag (also sent as the ETag header): send it as If-Match when saving, to be told of others' saves" }),
  updatedBy: z.string().nullable().openapi({ description: 'The token name that saved the draft last; null for drafts saved before this was kept' }),
}).openapi('JourneyDraft');

/** The details of a 409 `edit_conflict`: a save whose If-Match is not the stored draft's ETag. */
export const EditConflictSchema = z
  .object({
    updatedBy: z.string().nullable(),
    updatedAt: iso(),
    etag: z.string().openapi({ description: 'The stored draft: send this as If-Match to overwrite it with yours after all' }),
    diff: JourneyChangesSchema,
    text: z.string().openapi({ description: 'The same diff in words, as `journey diff` prints it' }),
    journey: anyObject.openapi({ description: 'The stored draft, to reload' }),
  })
  .openapi('EditConflict');

export const VersionSchema = z
  .object({ journeyId: z.string(), version: z.number().int(), contentHash: z.string(), author: z.string(), message: z.string(), publishedAt: iso() })
  .openapi('Version');

export const VersionWithContentSchema = VersionSchema.extend({ journey: anyObject, text: z.string() }).openapi('VersionWithContent');

export const DiffAnswerSchema = z.object({ diff: JourneyChangesSchema, text: z.string() }).openapi('JourneyDiff');

// Contact lists and imports

export const ContactListSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    contacts: z.number().int(),
    createdAt: iso(),
    columns: z
      .array(z.string())
      .nullable()
      .openapi({ description: 'Columns besides the contact fields, read as attributes.<column>; null when the list’s columns are not known' }),
  })
  .openapi('ContactList');

export const ContactSchema = z
  .object({
    id: z.string(),
    externalId: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    timezone: z.string().nullable(),
    state: z.string().nullable(),
    postalCode: z.string().nullable(),
    attributes: anyObject,
    consent: z.record(z.string(), z.boolean().optional()),
  })
  .openapi('Contact');

export const ImportReportSchema = z
  .object({
    rows: z.number().int(),
    imported: z.number().int(),
    merged: z.number().int(),
    skipped: z.number().int(),
    problems: z.array(z.object({ line: z.number().int(), column: z.string().optional(), severity: z.enum(['error', 'warning']), message: z.string() })),
    problemsTruncated: z.number().int().openapi({ description: 'Problems beyond the first 1,000 are counted, not kept' }),
    encoding: z.enum(['utf-8', 'windows-1252', 'utf-16le']).optional(),
  })
  .openapi('ImportReport');

export const ImportJobSchema = z
  .object({
    id: z.string(),
    listId: z.string(),
    status: z.enum(['running', 'done', 'failed', 'cut-off']),
    bytes: z.number().int(),
    rows: z.number().int(),
    imported: z.number().int(),
    merged: z.number().int(),
    skipped: z.number().int(),
    problems: z.number().int(),
    message: z.string().nullable(),
    line: z.number().int().nullable(),
    report: ImportReportSchema.nullable(),
    createdAt: iso(),
    updatedAt: iso(),
    finishedAt: iso().nullable(),
  })
  .openapi('Import');

// Runs

const runStatuses = ['scheduled', 'running', 'paused', 'stopped', 'completed'] as const satisfies readonly RunStatus[];

const StepMetrics = z.object({
  entered: z.number().int(),
  waiting: z.number().int(),
  ports: z.record(z.string(), z.number().int()),
  outcomes: z.record(z.string(), z.number().int()),
});
export const RunMetricsSchema = z
  .object({ audience: z.number().int(), active: z.number().int(), steps: z.record(z.string(), StepMetrics), outcomes: z.record(z.string(), z.number().int()) })
  .openapi('RunMetrics');

const rates = <K extends string>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.number()])) as Record<K, z.ZodNumber>);
const count = z.number().int();
const TextResults = z.object({
  sent: count,
  delivered: count,
  failed: count,
  replied: count,
  optedOut: count,
  clicked: count,
  rates: rates(['delivered', 'failed', 'replied', 'optedOut', 'clicked'] as const),
});
const EmailResults = z.object({
  sent: count,
  delivered: count,
  bounced: count,
  opened: count.openapi({ description: 'A lower bound: mail clients that block images never report an open' }),
  openedIsLowerBound: z.literal(true),
  clicked: count,
  unsubscribed: count,
  complained: count,
  rates: rates(['delivered', 'bounced', 'opened', 'clicked', 'unsubscribed'] as const),
});
const CallResults = z.object({
  placed: count,
  answeredByPeople: count,
  answeredByMachines: count,
  noAnswer: count,
  busy: count,
  failed: count,
  connectedToAgents: count,
  abandoned: count.openapi({ description: 'Inclusive, as runtime/dialer/abandonment.ts counts them' }),
  talkMinutes: z.number(),
  cost: z.number().nullable().openapi({ description: 'Null while no carrier of the run reports prices' }),
  rates: rates(['answeredByPeople', 'answeredByMachines', 'noAnswer', 'busy', 'connectedToAgents', 'abandoned'] as const),
});
const WebhookResults = z.object({ ok: count, failed: count, rates: rates(['failed'] as const) });
export const StepChannelResultsSchema = z
  .object({ texts: TextResults.optional(), emails: EmailResults.optional(), calls: CallResults.optional(), webhooks: WebhookResults.optional() })
  .openapi('StepChannelResults');
export const RunChannelResultsSchema = z
  .object({
    run: z.object({ texts: TextResults, emails: EmailResults, calls: CallResults, webhooks: WebhookResults, clicks: count, optOuts: count }),
    steps: z.record(z.string(), StepChannelResultsSchema),
  })
  .openapi('RunChannelResults');
export const RunMetricsWithChannelsSchema = RunMetricsSchema.extend({ channels: RunChannelResultsSchema }).openapi('RunMetricsWithChannels');

export const RunSchema = z
  .object({
    id: z.string(),
    journeyId: z.string(),
    version: z.number().int(),
    listId: z.string(),
    status: z.enum(runStatuses),
    mode: z.enum(['live', 'simulated']),
    seed: z.number().int(),
    startAt: iso(),
    createdAt: iso(),
    endedAt: iso().nullable(),
    stopReason: z.string().nullable(),
    metrics: RunMetricsSchema,
  })
  .openapi('Run');

export const StartRunSchema = z
  .object({
    journeyId: z.string().min(1),
    version: z.number().int().min(1).optional(),
    listId: z.string().min(1).optional(),
    mode: z.enum(['live', 'simulated']).default('simulated'),
    startAt: z.iso.datetime({ offset: true }).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    agents: z.record(z.string(), z.number().int().min(0).max(10_000)).optional(),
  })
  .strict()
  .openapi('StartRun');

export const RunAgentSchema = z.object({ name: z.string(), queue: z.string(), state: z.string(), since: iso() }).openapi('RunAgent');

// Access and audit

export const SessionSchema = z.object({ name: z.string(), role: z.enum(tokenRoles) }).openapi('Session');

/** What a sign-in form sends: a sign-in link's one-time code, or an API token pasted in. */
export const SignInSchema = z
  .union([
    z.object({ code: z.string().min(1).max(500).openapi({ description: "A sign-in link's one-time code (jc_...)" }) }).strict(),
    z.object({ token: z.string().min(1).max(500).openapi({ description: 'An API token (jt_...)' }) }).strict(),
  ])
  .openapi('SignIn');

/** A page signed in: who, and when the session (kept in the cookie, never in the body) expires. */
export const SignedInSchema = z.object({ name: z.string(), role: z.enum(tokenRoles), expiresAt: iso() }).openapi('SignedIn');

/** Which page's sign-in a browser request means: the agent page's, or (without it) the editor's. */
export const PageHeaderSchema = z.object({
  'x-journey-page': z
    .enum(['editor', 'agent'])
    .optional()
    .openapi({ param: { name: 'x-journey-page', in: 'header' }, description: "agent for the agent page's sign-in; the editor's without it" }),
});

export const TokenSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(tokenRoles), createdAt: iso(), lastUsedAt: iso().nullable() })
  .openapi('Token');

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: iso(),
    actor: z
      .object({ id: z.string().nullable(), name: z.string(), role: z.string().nullable() })
      .openapi({ description: "The token's id, name and role; id and role are null for the server itself and the command line (`cli:<user>`)" }),
    action: z.enum(auditActions),
    target: z.string(),
    journeyId: z.string().nullable(),
    runId: z.string().nullable(),
    details: anyObject,
  })
  .openapi('AuditEntry');

// Agents

const agentStates = ['offline', 'available', 'reserved', 'on-call', 'wrap-up'] as const satisfies readonly AgentRowState[];

export const AgentDeskSchema = z
  .object({
    agent: z.object({ id: z.string(), name: z.string(), state: z.enum(agentStates), queues: z.array(z.string()), since: iso() }),
    call: z
      .object({
        runId: z.string(),
        nodeId: z.string(),
        journeyName: z.string(),
        contact: ContactSchema,
        script: z.string().openapi({ description: "The call step's script rendered for this customer" }),
        phase: z
          .enum(['preview', 'dialing', 'talking'])
          .openapi({ description: '`preview`: read it and start the call; `dialing`: placed, not answered yet; `talking`: connected' }),
        connectedAt: iso().nullable(),
      })
      .nullable(),
    dispositions: z.array(z.string()).openapi({ description: "The outcomes the call's journey branches on, offered as the end-of-call choice" }),
  })
  .openapi('AgentView');

export const QueueSchema = z
  .object({
    id: z.string(),
    agents: z.number().int().openapi({ description: 'People signed in to the queue and not offline' }),
    available: z.number().int().openapi({ description: 'Of those, the ones free for the next call' }),
  })
  .openapi('Queue');

// Compliance

export const ComplianceCheckSchema = z
  .object({
    allowed: z.boolean(),
    reasons: z.array(z.object({ rule: z.string(), action: z.enum(['block', 'defer']), message: z.string() })),
    nextAllowedAt: iso('ISO 8601 in UTC; null when allowed now or blocked for good').nullable(),
    timezones: z.array(z.string()),
    timezoneSource: z.string().openapi({ description: 'Where the zones came from: timezone, postal-code, state, phone or journey' }),
    region: z.string().nullable(),
  })
  .openapi('ComplianceCheck');

export const DoNotContactEntrySchema = z
  .object({
    channel: z.enum(channels),
    value: z.string().openapi({ description: 'A phone number in E.164 form or an email address, lower-cased' }),
    reason: z.string(),
    addedAt: iso(),
    source: z
      .string()
      .nullable()
      .openapi({ description: 'What put it there: reply, agent, unsubscribe, complaint, operator; null for entries older than the history' }),
    runId: z.string().nullable().openapi({ description: 'The live run whose contact or agent asked' }),
    actor: z.string().nullable().openapi({ description: 'The agent or operator by name, or contact for a reply or link' }),
  })
  .openapi('DoNotContactEntry');

export const PermissionChangeSchema = z
  .object({
    id: z.number().int(),
    change: z
      .enum(['added', 'removed', 'granted', 'withdrawn'])
      .openapi({ description: 'added or removed for the do-not-contact list; granted or withdrawn for consent' }),
    kind: z.enum(['do-not-contact', 'consent']),
    channel: z.enum(channels),
    value: z.string().openapi({ description: 'E.164 phone number or lower-cased email address' }),
    reason: z.string(),
    source: z.string().openapi({ description: 'reply, agent, unsubscribe, complaint, operator or cleanup' }),
    runId: z.string().nullable(),
    contactId: z.string().nullable(),
    actor: z.string().nullable().openapi({ description: 'The agent or operator by name; contact for a reply or link; system for the product' }),
    at: iso(),
  })
  .openapi('PermissionChange');

export const RegistrySchema = z
  .object({ profile: z.string(), downloadedAt: iso(), importedAt: iso(), entries: z.number().int(), source: z.string() })
  .openapi('Registry');

// The runtime's own shapes and the schemas above must agree: each line fails to compile when they drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(): T | undefined => undefined;
agree<Same<z.infer<typeof ProblemSchema>, Problem>>();
agree<Same<z.infer<typeof JourneyChangesSchema>, JourneyDiff>>();
agree<Same<z.infer<typeof ContactSchema>, ContactView>>();
agree<Same<z.infer<typeof ImportReportSchema>, ImportReport>>();
agree<Same<z.infer<typeof ImportJobSchema>, ImportJobView>>();
agree<Same<z.infer<typeof RunMetricsSchema>, RunMetrics>>();
agree<Same<z.infer<typeof RunChannelResultsSchema>, RunChannelResults>>();
agree<Same<z.infer<typeof TokenSchema>, TokenSummary>>();
agree<Same<z.infer<typeof ComplianceCheckSchema>, ComplianceCheckResult>>();
