// Journeys and their published versions: a version is the canonical file, frozen, with its hash, author and message.
import { createHash } from 'node:crypto';
import { formatJourney } from '../../../schemas/format.ts';
import type { Journey } from '../../../schemas/journey.ts';
import type { Problem } from '../../../schemas/problems.ts';
import { validateJourney } from '../../../schemas/validate.ts';
import type { Executor } from '../dialect.ts';
import { parseJson } from '../json.ts';

export class InvalidJourneyError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`The journey has ${problems.filter((p) => p.severity === 'error').length} error(s): ${problems.find((p) => p.severity === 'error')?.message ?? ''}`);
  }
}

export interface PublishedVersion {
  journeyId: string;
  version: number;
  contentHash: string;
  /** False when the same content was already the latest version, which is then returned instead of a copy. */
  created: boolean;
}

/** Validates, formats and publishes a journey document as its next version. */
export async function publishJourney(db: Executor, document: unknown, meta: { author: string; message: string; now: number }): Promise<PublishedVersion> {
  const result = validateJourney(document);
  const journey = result.journey;
  if (!journey) throw new InvalidJourneyError(result.problems);
  const content = formatJourney(document);
  const contentHash = createHash('sha256').update(content).digest('hex');
  const journeyId = journey.id;
  const latest = await db
    .selectFrom('journey_versions')
    .select(['version', 'content_hash'])
    .where('journey_id', '=', journeyId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest?.content_hash === contentHash) return { journeyId, version: latest.version, contentHash, created: false };
  await db
    .insertInto('journeys')
    .values({ id: journeyId, name: journey.name, draft: content, updated_at: meta.now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: journey.name }))
    .execute();
  const version = (latest?.version ?? 0) + 1;
  await db
    .insertInto('journey_versions')
    .values({ journey_id: journeyId, version, content, content_hash: contentHash, author: meta.author, message: meta.message, published_at: meta.now })
    .execute();
  return { journeyId, version, contentHash, created: true };
}

export async function ensureContactList(db: Executor, id: string, name: string, now: number): Promise<void> {
  await db
    .insertInto('contact_lists')
    .values({ id, name, created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * A published version's journey, as its runs play it: checks added after a version was published must not stop the
 * runs of it. Throws when the version is missing or no longer reads as a journey at all.
 */
export async function publishedJourney(db: Executor, journeyId: string, version: number): Promise<Journey> {
  const row = await db
    .selectFrom('journey_versions')
    .select('content')
    .where('journey_id', '=', journeyId)
    .where('version', '=', version)
    .executeTakeFirstOrThrow();
  const result = validateJourney(parseJson(row.content), { published: true });
  if (!result.journey) {
    throw new Error(`Version ${version} of journey ${journeyId} does not validate: ${result.problems[0]?.message ?? 'unknown problem'}`);
  }
  return result.journey;
}

/** The journey a run plays, or undefined when there is no such run. */
export async function runJourney(db: Executor, runId: string): Promise<Journey | undefined> {
  const run = await db.selectFrom('runs').select(['journey_id', 'version']).where('id', '=', runId).executeTakeFirst();
  return run ? publishedJourney(db, run.journey_id, run.version) : undefined;
}
