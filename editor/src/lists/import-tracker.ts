// The imports this tab follows: uploads it sent, and running imports it came across. Kept outside the page, so that
// leaving the Lists page neither cancels an upload nor forgets it: coming back shows where it got to. Each unfinished
// import is asked about about once a second (`GET /api/imports/:id`).
import { createStore, useStoreSlice } from '../store/create-store.ts';
import { refreshLists } from '../api/server-data.ts';
import { listsApi, type ImportJobView, type UploadOptions } from './lists-api.ts';

export interface TrackedImport {
  /** Stable key: the import's id once known, else the upload's own. */
  key: string;
  listId: string;
  fileName?: string;
  /** Rows in the file, as the preview counted or estimated them: the progress bar's end. */
  rowEstimate?: { rows: number; exact: boolean };
  /** The file is still being sent. */
  sending: boolean;
  jobId?: string;
  job?: ImportJobView;
  /** Why the upload or following it failed, in plain words. */
  error?: string;
}

const tracker = createStore<TrackedImport[]>([]);
const pollEveryMs = 1000;
let timer: ReturnType<typeof setTimeout> | undefined;

function update(key: string, change: Partial<TrackedImport>): void {
  tracker.setState(tracker.getState().map((t) => (t.key === key ? { ...t, ...change } : t)));
}

const unfinished = (t: TrackedImport) => !t.error && (t.sending || !t.job || t.job.status === 'running');

function schedule(): void {
  if (timer !== undefined || !tracker.getState().some(unfinished)) return;
  timer = setTimeout(() => {
    timer = undefined;
    void poll().finally(schedule);
  }, pollEveryMs);
}

/** Asks about every unfinished import once. An upload still sending finds its import among the list's new ones. */
async function poll(): Promise<void> {
  await Promise.all(
    tracker
      .getState()
      .filter(unfinished)
      .map(async (t) => {
        try {
          if (t.jobId) {
            const job = await listsApi.importJob(t.jobId);
            update(t.key, { job });
            if (job.status !== 'running') void refreshLists();
          } else if (t.sending) {
            const known = new Set(tracker.getState().flatMap((other) => (other.jobId ? [other.jobId] : [])));
            const fresh = (await listsApi.imports(t.listId, 5)).find((j) => j.status === 'running' && !known.has(j.id) && !before.get(t.key)?.has(j.id));
            if (fresh) update(t.key, { jobId: fresh.id, job: fresh });
          }
        } catch (error) {
          // A failed poll is tried again on the next round; a missing import is not.
          if (error instanceof Error && 'status' in error && error.status === 404) update(t.key, { error: 'The import is no longer on the server.' });
        }
      }),
  );
}

/** The imports of the list before an upload started, so the upload's own is the new one. */
const before = new Map<string, Set<string>>();
let uploads = 0;

/** Sends a file and follows its import; resolves with the key it is tracked under as soon as it is tracked. */
export async function startUpload(file: File, options: UploadOptions, rowEstimate?: TrackedImport['rowEstimate']): Promise<string> {
  const key = `upload-${++uploads}`;
  const existing = await listsApi.imports(options.listId, 100).catch(() => []);
  before.set(key, new Set(existing.map((j) => j.id)));
  tracker.setState([{ key, listId: options.listId, fileName: file.name, sending: true, ...(rowEstimate && { rowEstimate }) }, ...tracker.getState()]);
  schedule();
  listsApi.upload(file, options).then(
    async (jobId) => {
      // The page may have come across the same import while the file was sending and followed it apart.
      tracker.setState(tracker.getState().filter((t) => t.key === key || t.jobId !== jobId));
      update(key, { sending: false, jobId });
      try {
        update(key, { job: await listsApi.importJob(jobId) });
      } catch {
        // The next poll asks again.
      }
      void refreshLists();
      schedule();
    },
    async (error: unknown) => {
      const details = (error as { details?: { import?: string } }).details;
      const message = error instanceof Error ? error.message : String(error);
      // A file refused whole still has an import with its reason and line; without one, the upload's error is the news.
      if (details?.import) {
        update(key, { sending: false, jobId: details.import });
        try {
          update(key, { job: await listsApi.importJob(details.import) });
          return;
        } catch {
          // Fall through to the upload's own message.
        }
      }
      update(key, { sending: false, error: message });
    },
  );
  return key;
}

/** Follows an import the page came across (one running since before a reload, say). */
export function follow(job: ImportJobView): void {
  const state = tracker.getState();
  if (state.some((t) => t.jobId === job.id)) return;
  // An upload of this tab that is still sending has not learnt its import's id: a running import of its list that was
  // not there when it started is its own, to be shown once rather than as a second card.
  const own = state.find((t) => t.sending && !t.jobId && t.listId === job.listId && !before.get(t.key)?.has(job.id));
  if (own) {
    update(own.key, { jobId: job.id, job });
    schedule();
    return;
  }
  tracker.setState([...tracker.getState(), { key: job.id, listId: job.listId, sending: false, jobId: job.id, job }]);
  schedule();
}

/** Stops showing an import that ended (its report stays on the server). */
export function dismiss(key: string): void {
  tracker.setState(tracker.getState().filter((t) => t.key !== key));
}

const everything = (imports: TrackedImport[]) => imports;

/** Every import followed, newest upload first. */
export function useTrackedImports(): TrackedImport[] {
  return useStoreSlice(tracker, everything);
}
