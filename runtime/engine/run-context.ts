// What the interpreter needs to know about a run: its row, its journey version, and per-run services.
import { validateJourney } from '../../schemas/validate.ts';
import type { Journey } from '../../schemas/journey.ts';
import type { Executor } from '../store/dialect.ts';
import { parseJson } from '../store/json.ts';
import { serverSecret, trackingSecretName } from '../store/repositories/server-secrets.ts';
import type { Run } from '../store/schema.ts';

export interface RunOptions {
  /** Simulated agents per queue (simulated runs). */
  agents?: Record<string, number>;
  /** Calls an agentless dialer step may have ringing or playing at once. */
  agentlessLines?: number;
}

export interface RunContext {
  run: Run;
  journey: Journey;
  options: RunOptions;
  /** The key tracked links' tokens are signed with; the server's, so that its /t/ and /o/ routes can check them. */
  linkSecret: Buffer;
}

/** Whose calls and texts a run's compliance checks count: see `GateTimeline`. */
export function timelineOf(context: RunContext): { runId: string; simulated: boolean } {
  return { runId: context.run.id, simulated: context.run.simulated === 1 };
}

export async function loadRunContext(db: Executor, runId: string): Promise<RunContext | undefined> {
  const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!run) return undefined;
  const version = await db
    .selectFrom('journey_versions')
    .select('content')
    .where('journey_id', '=', run.journey_id)
    .where('version', '=', run.version)
    .executeTakeFirstOrThrow();
  // Checks added after a version was published must not stop the runs of it.
  const result = validateJourney(parseJson(version.content), { published: true });
  if (!result.journey) {
    throw new Error(`Version ${run.version} of journey ${run.journey_id} does not validate: ${result.problems[0]?.message ?? 'unknown problem'}`);
  }
  const journey = result.journey;
  return { run, journey, options: parseJson(run.options), linkSecret: await serverSecret(db, trackingSecretName) };
}
