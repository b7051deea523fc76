// A contact list import as a job with an id. The upload is written to a spool file as fast as the network brings it
// while the importer reads the same file behind it, so the request's body is taken in at network speed whatever the
// store's pace, and the upload can be answered (202, with the job's address) before a million rows are in. Progress
// is in the `imports` table while it runs, the report once it ends; an upload cut off mid-file imports the complete
// rows before the cut and says where it stopped.
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { parseJson } from '../store/json.ts';
import type { Database, ImportStatus } from '../store/schema.ts';
import { ImportError, importContactsCsv, type ImportOptions, type ImportReport } from './import-csv.ts';

export interface ImportJobView {
  id: string;
  listId: string;
  /** running, then done, failed (the file could not be used) or cut-off (the upload stopped before the end). */
  status: ImportStatus;
  /** Bytes of the file received so far. */
  bytes: number;
  rows: number;
  imported: number;
  merged: number;
  skipped: number;
  problems: number;
  /** Why it failed or was cut off, and what to do. */
  message: string | null;
  /** The line a failure is on (failed), or the line the upload was cut off at (cut-off). */
  line: number | null;
  /** Once it ended: the same report the upload answers with (for cut-off, of the rows before the cut). */
  report: ImportReport | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** A running import writes its progress at least this often, so that one whose server stopped shows as stalled. */
export const heartbeatMs = 5_000;
/** A running import with no progress for this long was stopped with its server: it is shown as cut off. */
export const stalledAfterMs = 60_000;
/** Progress is written at most this often while rows stream in. */
const progressEveryMs = 500;

/** What the report column holds once an import ended. */
export interface StoredOutcome {
  report: ImportReport | null;
  line: number | null;
}

type ImportRow = Awaited<ReturnType<typeof selectJobs>>[number];
const selectJobs = (db: Kysely<Database>) => db.selectFrom('imports').selectAll().execute();

function viewOf(row: ImportRow, now: number): ImportJobView {
  const { report, line } = row.report ? parseJson(row.report) : { report: null, line: null };
  let status = row.status;
  let message = row.message;
  if (status === 'running' && now - Number(row.updated_at) > stalledAfterMs) {
    status = 'cut-off';
    message = `The import stopped with no progress since ${new Date(Number(row.updated_at)).toISOString()} (its server was stopped): the ${row.rows} rows read by then were imported; send the file again to merge the rest (rows already imported are merged, not duplicated)`;
  }
  return {
    id: row.id,
    listId: row.list_id,
    status,
    bytes: Number(row.bytes),
    rows: row.rows,
    imported: row.imported,
    merged: row.merged,
    skipped: row.skipped,
    problems: row.problems,
    message,
    line,
    report,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(Number(row.finished_at)).toISOString(),
  };
}

export async function importJob(db: Kysely<Database>, id: string, now: number): Promise<ImportJobView | undefined> {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  return row && viewOf(row, now);
}

/** The newest imports first, of one list or of all; without their reports (fetch one by id for that). */
export async function listImportJobs(db: Kysely<Database>, options: { listId?: string; limit: number; now: number }): Promise<ImportJobView[]> {
  let query = db.selectFrom('imports').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(options.limit);
  if (options.listId) query = query.where('list_id', '=', options.listId);
  return (await query.execute()).map((row) => ({ ...viewOf(row, options.now), report: null }));
}

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * The upload on its way to disk, with a reader that follows it. The reader is given only whole records (up to the
 * last line break outside quotes) until the upload has ended, so that a cut-off upload never hands the importer half
 * a row: "+1415555" cut off mid-number must not be stored as a number.
 */
export class UploadSpool extends EventEmitter {
  /** Bytes written to the spool file. */
  written = 0;
  /** Where the last whole record ends; the reader never passes it before the upload has ended. */
  wholeRecordsEnd = 0;
  /** Line breaks before `wholeRecordsEnd`: the line a cut is on is one more. */
  wholeRecordsLines = 0;
  /** How the upload ended: `undefined` while it is coming in. */
  ended: 'complete' | 'cut-off' | undefined;
  cause: Error | undefined;
  private inQuotes = false;
  private linesSeen = 0;

  private constructor(readonly file: string) {
    super();
    this.setMaxListeners(0);
  }

  static async create(): Promise<UploadSpool> {
    const dir = await mkdtemp(join(process.env.JOURNEY_IMPORT_DIR ?? tmpdir(), 'journey-import-'));
    // Made now, so that the reader can open it before the first byte of the body has arrived.
    await writeFile(join(dir, 'upload.csv'), '');
    return new UploadSpool(join(dir, 'upload.csv'));
  }

  /** Writes the body to the file; resolves when it has all arrived, rejects when it stopped (the import goes on). */
  async receive(body: AsyncIterable<Uint8Array>): Promise<void> {
    const out = createWriteStream(this.file);
    try {
      for await (const chunk of body) {
        // Written before the reader is told: it reads the file by position.
        await new Promise<void>((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
        this.scan(chunk);
        this.written += chunk.length;
        this.emit('progress');
      }
      out.end();
      await once(out, 'finish');
      this.ended = 'complete';
      this.emit('progress');
    } catch (error) {
      out.destroy();
      this.cause = error as Error;
      this.ended = 'cut-off';
      this.emit('progress');
      throw error;
    }
  }

  private scan(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      // "" inside quotes toggles twice, which leaves the state right without looking ahead.
      if (byte === QUOTE) this.inQuotes = !this.inQuotes;
      else if (byte === LF) {
        this.linesSeen++;
        if (!this.inQuotes) {
          this.wholeRecordsEnd = this.written + i + 1;
          this.wholeRecordsLines = this.linesSeen;
        }
      }
    }
  }

  /** The file as it arrives: whole records while the upload comes in, the rest once it is complete. */
  reader(): Readable {
    let handle: FileHandle | undefined;
    let position = 0;
    const spool = this;
    return new Readable({
      async read(size) {
        try {
          handle ??= await open(spool.file, 'r');
          for (;;) {
            const limit = spool.ended === 'complete' ? spool.written : spool.wholeRecordsEnd;
            if (position < limit) {
              const buffer = Buffer.allocUnsafe(Math.min(size, 1 << 20, limit - position));
              const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
              position += bytesRead;
              this.push(buffer.subarray(0, bytesRead));
              return;
            }
            if (spool.ended) {
              this.push(null);
              return;
            }
            await once(spool, 'progress');
          }
        } catch (error) {
          this.destroy(error as Error);
        }
      },
      async destroy(error, callback) {
        await handle?.close().catch(() => {});
        callback(error);
      },
    });
  }

  async remove(): Promise<void> {
    await rm(join(this.file, '..'), { recursive: true, force: true });
  }
}

export interface ImportJobOptions extends Omit<ImportOptions, 'onProgress'> {
  actor: string | null;
  /** Called when the import refused the file and left the list with no contacts (the caller may drop a new list). */
  onRefused?: () => Promise<void>;
  clock?: () => number;
}

/**
 * Starts an import of `spool` into a list as a job: its id at once, its end (the final view) as a promise that does
 * not reject, whatever happens to the file or the upload.
 */
export async function startImportJob(
  db: Kysely<Database>,
  spool: UploadSpool,
  options: ImportJobOptions,
): Promise<{ id: string; done: Promise<ImportJobView> }> {
  const clock = options.clock ?? Date.now;
  const id = `imp_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const created = clock();
  await db
    .insertInto('imports')
    .values({
      id,
      list_id: options.listId,
      status: 'running',
      actor: options.actor,
      bytes: 0,
      rows: 0,
      imported: 0,
      merged: 0,
      skipped: 0,
      problems: 0,
      message: null,
      report: null,
      created_at: created,
      updated_at: created,
      finished_at: null,
    })
    .execute();
  let latest: Readonly<ImportReport> | undefined;
  let written = 0;
  const save = async () => {
    written = clock();
    await db
      .updateTable('imports')
      .set({
        bytes: spool.written,
        updated_at: written,
        ...(latest && {
          rows: latest.rows,
          imported: latest.imported,
          merged: latest.merged,
          skipped: latest.skipped,
          problems: latest.problems.length + latest.problemsTruncated,
        }),
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute();
  };
  // While the upload is slow and no batch is written, the job still shows it is alive (and how many bytes are in).
  const heartbeat = setInterval(() => void save().catch(() => {}), heartbeatMs);
  heartbeat.unref();

  const finish = async (status: ImportStatus, report: ImportReport | null, message: string | null, line?: number) => {
    clearInterval(heartbeat);
    const at = clock();
    const outcome: StoredOutcome = { report, line: line ?? null };
    await db
      .updateTable('imports')
      .set({
        status,
        bytes: spool.written,
        message,
        report: JSON.stringify(outcome),
        updated_at: at,
        finished_at: at,
        ...(report && {
          rows: report.rows,
          imported: report.imported,
          merged: report.merged,
          skipped: report.skipped,
          problems: report.problems.length + report.problemsTruncated,
        }),
      })
      .where('id', '=', id)
      .execute();
    return (await importJob(db, id, at))!;
  };

  const done = (async (): Promise<ImportJobView> => {
    try {
      let report: ImportReport;
      try {
        report = await importContactsCsv(db, spool.reader(), {
          ...options,
          onProgress: async (progress) => {
            latest = progress;
            if (clock() - written >= progressEveryMs) await save();
          },
        });
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        if (spool.ended === 'cut-off') {
          // Cut off before a usable header: nothing was imported.
          await options.onRefused?.();
          return await finish('cut-off', null, cutOffMessage(spool, 0), spool.wholeRecordsLines + 1);
        }
        await options.onRefused?.();
        return await finish('failed', null, error.message, error.line);
      }
      if (spool.ended === 'cut-off') return await finish('cut-off', report, cutOffMessage(spool, report.rows), spool.wholeRecordsLines + 1);
      return await finish('done', report, null);
    } catch (error) {
      // The store failed: the job says so rather than staying "running" until it looks stalled.
      return await finish(
        'failed',
        latest ? { ...latest } : null,
        `The import stopped on a server error: ${(error as Error).message}; rows read before it were imported; send the file again to merge the rest`,
      ).catch(async () => {
        clearInterval(heartbeat);
        return (
          (await importJob(db, id, clock()).catch(() => undefined)) ??
          ({ id, listId: options.listId, status: 'failed', message: (error as Error).message } as ImportJobView)
        );
      });
    } finally {
      clearInterval(heartbeat);
      await spool.remove().catch(() => {});
    }
  })();
  return { id, done };
}

function cutOffMessage(spool: UploadSpool, rows: number): string {
  const line = spool.wholeRecordsLines + 1;
  const why = spool.cause ? ` (${spool.cause.message})` : '';
  return rows
    ? `The upload was cut off at line ${line}${why}; the ${rows} rows before it were imported; send the file again to merge the rest (rows already imported are merged, not duplicated)`
    : `The upload was cut off at line ${line}${why}, before any row; nothing was imported; send the file again`;
}
