// What the interpreter needs to know about a run: its row, its journey version, and per-run services.
import type { Journey } from '../../schemas/journey.ts';
import type { Executor } from '../store/dialect.ts';
import { parseJson } from '../store/json.ts';
import { publishedJourney } from '../store/repositories/journeys.ts';
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
  const journey = await publishedJourney(db, run.journey_id, run.version);
  return { run, journey, options: parseJson(run.options), linkSecret: await serverSecret(db, trackingSecretName) };
}
