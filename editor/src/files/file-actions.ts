// Opening, saving, publishing, importing and exporting journeys; each leaves a plain message in the status line.
import { diffJourneys } from '../../../schemas/diff.ts';
import { formatJourney } from '../../../schemas/format.ts';
import { loadJourney, parseJsonText } from '../../../schemas/parse.ts';
import { hasErrors } from '../../../schemas/problems.ts';
import { api, ApiError } from '../api/client.ts';
import { fitView, type CanvasView } from '../canvas/view.ts';
import { asJourneyFile, emptyJourney, type JourneyFile } from '../model/document.ts';
import { problemsOf } from '../model/problems.ts';
import { convertPinpointFile, isPinpointJourney, type PinpointImport } from './pinpoint-import.ts';
import type { EditConflict, JourneyDraft } from '../../../server/api-types.ts';
import type { EditorState, EditorStore } from '../store/editor-store.ts';
import type { VersionRef } from './journey-address.ts';

export function hasUnsavedChanges(state: EditorState): boolean {
  return state.server.savedDoc !== state.doc && (state.server.savedDoc !== undefined || Object.keys(state.doc.nodes).length > 0);
}

/** Fits the view to the journey just shown, once React Flow has drawn and measured its steps. */
function afterLoad(view: CanvasView): void {
  requestAnimationFrame(() => requestAnimationFrame(() => fitView(view)));
}

export function newJourney(store: EditorStore): void {
  store.load(emptyJourney(), { latestVersion: null });
  store.notify('New journey: drag a Start step onto the canvas to begin.');
}

export async function openJourney(store: EditorStore, view: CanvasView, id: string): Promise<boolean> {
  try {
    const draft = await api.getJourney(id);
    const doc = asJourneyFile(draft.journey);
    if (!doc) throw new Error('The server sent a journey this editor cannot read.');
    store.load(doc, { savedId: draft.id, savedDoc: doc, latestVersion: draft.latestVersion, etag: draft.etag });
    store.notify(`Opened “${draft.name}”${draft.latestVersion ? `, last published as version ${draft.latestVersion}` : ', not published yet'}.`);
    afterLoad(view);
    return true;
  } catch (error) {
    store.notify(messageOf(error), 'error');
    return false;
  }
}

/**
 * Reads a journey file from disk; a file with problems still opens, so that they can be fixed on the canvas. A Pinpoint
 * journey is converted instead and returned, for its report to be shown before it opens (`openPinpointImport`).
 */
export async function importFile(store: EditorStore, view: CanvasView, file: File): Promise<PinpointImport | undefined> {
  const text = await file.text();
  const parsed = parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if ('value' in parsed && isPinpointJourney(parsed.value)) {
    const converted = await convertPinpointFile(file.name, parsed.value);
    if ('problems' in converted) {
      const more = converted.problems.length > 1 ? ` (and ${converted.problems.length - 1} more)` : '';
      store.notify(`“${file.name}” is a Pinpoint journey that could not be converted: ${converted.problems[0]}${more}`, 'error');
      return undefined;
    }
    return converted;
  }
  const result = loadJourney(text);
  const doc = result.value === undefined ? undefined : asJourneyFile(result.value);
  if (!doc) {
    store.notify(`“${file.name}” could not be opened. ${result.problems[0]?.message ?? 'It is not a journey file.'}`, 'error');
    return undefined;
  }
  store.load(doc, { latestVersion: null });
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const imported = `Imported “${file.name}”${errors ? ` with ${errors} ${errors === 1 ? 'error' : 'errors'} to fix (see Problems)` : ''}.`;
  store.notify(`${imported} Save it to keep it on the server.`);
  afterLoad(view);
  // The file's id may be a journey the server already has: saving would replace that journey's draft, so say so now.
  const existing = await api.getJourney(doc.id).catch(() => undefined);
  if (existing && store.getState().doc === doc) {
    store.notify(
      `${imported} The server already has a journey with the id “${doc.id}”: “${existing.name}”. Saving this file replaces that journey's draft; to keep both, change the Journey id first.`,
      'error',
    );
  }
  return undefined;
}

/** Opens a converted Pinpoint journey once its report was read. */
export function openPinpointImport(store: EditorStore, view: CanvasView, converted: PinpointImport): void {
  store.load(converted.doc, { latestVersion: null });
  const needs = converted.report.needsPerson.length;
  store.notify(
    `Converted the Pinpoint journey “${converted.report.source.name}” from “${converted.fileName}”${
      needs ? `; ${needs} ${needs === 1 ? 'thing needs' : 'things need'} a person (see the report)` : ''
    }. Save it to keep it on the server.`,
  );
  afterLoad(view);
}

/** The canonical file, byte for byte what `journey fmt` writes. */
export function exportText(doc: JourneyFile): string {
  return formatJourney(doc);
}

export function exportFile(store: EditorStore): void {
  const doc = store.getState().doc;
  const blob = new Blob([exportText(doc)], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${doc.id || 'journey'}.journey.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/**
 * Saves the draft on the server: creates it the first time, replaces it after. A save over a draft someone else has
 * saved since this one was opened is refused, and the conflict dialog shows whose it is; `overwrite` is the ETag of
 * their draft when the person chose to replace it with theirs.
 */
export async function saveDraft(store: EditorStore, overwrite?: string, options: { auto?: boolean } = {}): Promise<boolean> {
  const { doc, server } = store.getState();
  if (hasErrors(problemsOf(doc))) {
    store.notify('The draft has errors, and the server keeps only drafts without errors. Fix the errors listed under Problems, then save.', 'error');
    return false;
  }
  store.setSaving(true);
  try {
    let draft: JourneyDraft;
    if (server.savedId === doc.id) {
      try {
        draft = await api.saveJourney(doc.id, doc, overwrite ?? server.etag);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'edit_conflict' && error.details)) throw error;
        showConflict(store, error.details as unknown as EditConflict, error.message);
        return false;
      }
    } else {
      try {
        draft = await api.createJourney(doc);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409)) throw error;
        if (!window.confirm(`A journey with the id “${doc.id}” is already on the server. Replace its draft with this one?`)) return false;
        draft = await api.saveJourney(doc.id, doc);
      }
    }
    store.setServer({ savedId: draft.id, savedDoc: doc, latestVersion: draft.latestVersion, etag: draft.etag });
    store.setConflict(undefined);
    // A save made on its own while editing says so in the footer only; a message would cover the one being read.
    if (!options.auto) {
      store.notify(`Draft saved${draft.problems.length ? `, with ${draft.problems.length} ${draft.problems.length === 1 ? 'warning' : 'warnings'}` : ''}.`);
    }
    return true;
  } catch (error) {
    store.notify(options.auto ? `The draft could not be saved automatically. ${messageOf(error)}` : messageOf(error), 'error');
    return false;
  } finally {
    store.setSaving(false);
  }
}

function showConflict(store: EditorStore, details: EditConflict, message: string): void {
  const theirs = asJourneyFile(details.journey);
  if (!theirs) {
    store.notify(message, 'error');
    return;
  }
  store.setConflict({
    updatedBy: details.updatedBy,
    updatedAt: details.updatedAt,
    etag: details.etag,
    theirs,
    diff: details.diff,
    latestVersion: store.getState().server.latestVersion,
  });
  store.notify(`${details.updatedBy ?? 'Someone'} saved this journey after you opened it; nothing was saved. Choose whose draft to keep.`, 'error');
}

/** After a conflict: drops the edits made here and opens the draft as the other person saved it. */
export function reloadTheirs(store: EditorStore, view: CanvasView): void {
  const { conflict, server } = store.getState();
  if (!conflict) return;
  store.load(conflict.theirs, { savedId: server.savedId, savedDoc: conflict.theirs, latestVersion: conflict.latestVersion, etag: conflict.etag });
  store.notify(`Reloaded the draft ${conflict.updatedBy ?? 'someone else'} saved; your changes were dropped.`);
  afterLoad(view);
}

/** After a conflict: saves the draft as edited here over the other person's, knowingly. */
export async function overwriteTheirs(store: EditorStore): Promise<boolean> {
  const { conflict } = store.getState();
  if (!conflict) return false;
  return saveDraft(store, conflict.etag);
}

/** After a conflict: closes the dialog and keeps editing; the next save is refused again until one is chosen. */
export function decideLater(store: EditorStore): void {
  store.setConflict(undefined);
}

export async function publish(store: EditorStore, message: string): Promise<boolean> {
  const { doc } = store.getState();
  if (hasErrors(problemsOf(doc))) {
    store.notify('This journey cannot be published while it has errors. Fix the errors listed under Problems first.', 'error');
    return false;
  }
  if (!(await saveDraft(store))) return false;
  try {
    const before = store.getState().server.latestVersion;
    const version = await api.publish(doc.id, message);
    store.setServer({ ...store.getState().server, latestVersion: version.version });
    // The server answers with the latest version when the draft equals it; saying "published" would mislead.
    store.notify(version.version === before ? `Nothing new to publish: the draft equals version ${version.version}.` : `Published version ${version.version}.`);
    return true;
  } catch (error) {
    store.notify(messageOf(error), 'error');
    return false;
  }
}

/** Shows two versions on the canvas; `'draft'` stands for the journey as it is in the editor now. */
export async function compareVersions(store: EditorStore, view: CanvasView, from: VersionRef, to: VersionRef): Promise<boolean> {
  const { doc } = store.getState();
  try {
    const read = async (v: VersionRef) => (v === 'draft' ? doc : asJourneyFile((await api.version(doc.id, v)).journey));
    const [before, after] = await Promise.all([read(from), read(to)]);
    if (!before || !after) throw new Error('A version could not be read.');
    store.showDiff({ from, to, before, after, diff: diffJourneys(before, after) });
    afterLoad(view);
    return true;
  } catch (error) {
    store.notify(messageOf(error), 'error');
    return false;
  }
}

/** Shows a published version on the canvas, against the draft: what restoring it would change. */
export async function showVersion(store: EditorStore, view: CanvasView, version: number): Promise<boolean> {
  if (!(await compareVersions(store, view, 'draft', version))) return false;
  const shown = store.getState().diffView;
  if (shown) store.showDiff({ ...shown, restorable: version });
  return true;
}

/**
 * Makes the version shown the draft again. It is one edit, so Undo takes it back; the draft then saves as any edit does.
 * The version itself stays as it was published: publishing the restored draft makes a new version.
 */
export function restoreVersion(store: EditorStore): void {
  const shown = store.getState().diffView;
  if (shown?.restorable === undefined) return;
  store.edit(shown.after, { selection: { nodes: [], edges: [] } });
  store.showDiff(undefined);
  store.notify(`Restored version ${shown.restorable} as the draft. Undo takes it back; publish it to make it the version that runs.`);
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError && error.problems.length) return `${error.message} ${error.problems[0]!.message}`;
  if (error instanceof TypeError) return 'The server cannot be reached. Check that it is running, then try again.';
  return error instanceof Error ? error.message : String(error);
}
