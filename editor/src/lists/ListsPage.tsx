// The Contact lists tab: every list with its size and an upload form at /lists; one list at /lists/<id> with its
// imports (progress while they run, then their problems), its contacts to browse and search, and deleting it.
import { errorText, useConfirmedAction } from '../app/confirmed-action.ts';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { refreshLists, useServerData } from '../api/server-data.ts';
import { navigateTo, usePathname } from '../app/routes.ts';
import { ImportProgress } from './ImportProgress.tsx';
import { follow, useTrackedImports, type TrackedImport } from './import-tracker.ts';
import { canEditLists, listsApi, type ContactListView, type ContactView, type ImportJobView } from './lists-api.ts';
import { UploadForm } from './UploadForm.tsx';
import './lists.css';

const pageSize = 50;

/** What the next page shows once, such as what was just deleted. */
let flash: string | undefined;

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function ListLink({ id, children }: { id: string; children: ReactNode }) {
  const href = `/lists/${encodeURIComponent(id)}`;
  return (
    <a
      href={href}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigateTo(href);
      }}
    >
      {children}
    </a>
  );
}

export function ListsPage() {
  const path = usePathname();
  const match = /^\/lists\/([^/]+)\/?$/.exec(path);
  const listId = match ? decodeURIComponent(match[1]!) : undefined;
  return listId ? <ListDetail key={listId} id={listId} /> : <ListsOverview />;
}

function ListsOverview() {
  const session = useServerData((d) => d.session);
  const lists = useServerData((d) => d.lists);
  const canEdit = canEditLists(session?.role);
  const [message] = useState(() => {
    const text = flash;
    flash = undefined;
    return text;
  });
  const [imports, setImports] = useState<ImportJobView[]>();
  useEffect(() => {
    if (!session) return;
    void refreshLists();
    listsApi.imports(undefined, 10).then(
      (found) => {
        setImports(found);
        for (const job of found) if (job.status === 'running') follow(job);
      },
      () => setImports([]),
    );
  }, [session]);
  const names = new Map((lists ?? []).map((l) => [l.id, l.name]));
  // A followed import shows its latest figures here too.
  const followed = new Map(useTrackedImports().flatMap((t) => (t.job ? [[t.job.id, t.job] as const] : [])));

  return (
    <main className="page lists-page" id="main">
      <h1>Contact lists</h1>
      <p className="lists-intro">
        The people your journeys contact. Upload a spreadsheet saved as CSV, one row per person with a phone number or an email address; a journey’s start step
        then picks the list.
      </p>
      {message && (
        <p role="status" className="lists-message">
          {message}
        </p>
      )}
      <div className="lists-layout">
        <section aria-labelledby="lists-title">
          <h2 id="lists-title">Lists</h2>
          {!session && <p className="hint">Sign in to see the lists.</p>}
          {session && lists === undefined && <p className="hint">Reading the lists…</p>}
          {lists?.length === 0 && <p className="hint">No lists yet: upload one with the form.</p>}
          {lists && lists.length > 0 && (
            <table className="lists-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="number">
                    Contacts
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {lists.map((l) => (
                  <tr key={l.id} data-list={l.id}>
                    <td>
                      <ListLink id={l.id}>{l.name}</ListLink>
                      {l.name !== l.id && <span className="hint list-id"> {l.id}</span>}
                    </td>
                    <td className="number">{l.contacts.toLocaleString()}</td>
                    <td className="date">{when(l.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {imports && imports.length > 0 && (
            <>
              <h2>Recent imports</h2>
              <ul className="recent-imports">
                {imports
                  .map((seen) => followed.get(seen.id) ?? seen)
                  .map((job) => (
                    <li key={job.id}>
                      <ListLink id={job.listId}>{names.get(job.listId) ?? job.listId}</ListLink>{' '}
                      <span className={`import-status is-${job.status}`}>{importStatusWords[job.status]}</span>{' '}
                      <span className="hint">
                        {when(job.createdAt)} · {job.rows.toLocaleString()} rows, {job.problems.toLocaleString()} problems
                      </span>
                    </li>
                  ))}
              </ul>
            </>
          )}
        </section>
        {canEdit ? (
          <UploadForm lists={lists} />
        ) : (
          session && <p className="lists-role-note">Uploading and deleting lists needs the editor role; you are signed in as a {session.role}.</p>
        )}
      </div>
    </main>
  );
}

const importStatusWords: Record<ImportJobView['status'], string> = { running: 'Importing', done: 'Finished', failed: 'Not imported', 'cut-off': 'Cut off' };

function ListDetail({ id }: { id: string }) {
  const session = useServerData((d) => d.session);
  const lists = useServerData((d) => d.lists);
  const canEdit = canEditLists(session?.role);
  const tracked = useTrackedImports().filter((t) => t.listId === id);
  const [list, setList] = useState<ContactListView>();
  const [missing, setMissing] = useState<string>();
  const [past, setPast] = useState<ImportJobView[]>();
  const title = useRef<HTMLHeadingElement>(null);
  const sending = tracked.some((t) => t.sending && !t.job);
  // The list's size follows its running import.
  const progress = tracked.map((t) => `${t.job?.status}:${t.job?.rows}`).join();

  const load = useCallback(async () => {
    try {
      setList(await listsApi.list(id));
      setMissing(undefined);
    } catch (error) {
      setMissing(errorText(error));
    }
  }, [id]);

  useEffect(() => {
    if (!session) return;
    void load();
  }, [session, load, progress]);

  useEffect(() => {
    if (!session) return;
    listsApi.imports(id, 5).then(
      (found) => {
        setPast(found);
        for (const job of found) if (job.status === 'running') follow(job);
      },
      () => setPast([]),
    );
  }, [session, id]);

  useEffect(() => title.current?.focus(), []);

  const shownJobs = new Set(tracked.flatMap((t) => (t.jobId ? [t.jobId] : [])));
  const earlier = (past ?? []).filter((j) => !shownJobs.has(j.id));
  const latestPast = tracked.length === 0 ? earlier[0] : undefined;

  return (
    <main className="page lists-page" id="main">
      <p className="lists-back">
        <a
          href="/lists"
          onClick={(e) => {
            e.preventDefault();
            navigateTo('/lists');
          }}
        >
          ← All contact lists
        </a>
      </p>
      <h1 ref={title} tabIndex={-1}>
        {list?.name ?? lists?.find((l) => l.id === id)?.name ?? id}
      </h1>
      {list && (
        <p className="lists-summary">
          <strong data-contact-count>{list.contacts.toLocaleString()}</strong> {list.contacts === 1 ? 'contact' : 'contacts'} · created {when(list.createdAt)}
          {list.columns && list.columns.length > 0 && <> · extra details: {list.columns.join(', ')}</>}
        </p>
      )}
      {missing && !list && !sending && tracked.length === 0 && (
        <p role="alert" className="field-error">
          {missing}
        </p>
      )}

      {(tracked.length > 0 || latestPast) && (
        <section aria-labelledby="imports-title" className="list-imports">
          <h2 id="imports-title">Imports</h2>
          {tracked.map((t) => (
            <ImportProgress key={t.key} tracked={t} />
          ))}
          {latestPast && <ImportProgress tracked={{ key: latestPast.id, listId: id, sending: false, jobId: latestPast.id, job: latestPast }} />}
        </section>
      )}

      {list && <ContactsBrowser list={list} version={progress} />}

      {list && canEdit && (
        <details className="list-more">
          <summary>Upload more contacts to this list</summary>
          <UploadForm lists={lists} fixedList={list} />
        </details>
      )}
      {list && canEdit && <DeleteList list={list} running={tracked.some(isRunning)} />}
    </main>
  );
}

const isRunning = (t: TrackedImport) => t.sending || t.job?.status === 'running';

function ContactsBrowser({ list, version }: { list: ContactListView; version: string }) {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  /** The `after` of each page shown so far: the last is the current page's. */
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ contacts: ContactView[]; next: string | null }>();
  const [error, setError] = useState<string>();
  const after = cursors[cursors.length - 1];

  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(query.trim());
      setCursors([undefined]);
    }, 300);
    return () => clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    let live = true;
    listsApi.contacts(list.id, { limit: pageSize, ...(after && { after }), ...(search && { q: search }) }).then(
      (answer) => {
        if (!live) return;
        setPage(answer);
        setError(undefined);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [list.id, after, search, version]);

  const first = (cursors.length - 1) * pageSize + 1;
  const shown = page?.contacts.length ?? 0;
  const range = shown === 0 ? '' : `${first.toLocaleString()}–${(first + shown - 1).toLocaleString()}`;

  return (
    <section aria-labelledby="contacts-title" className="list-contacts">
      <h2 id="contacts-title">Contacts</h2>
      <form
        className="contacts-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(query.trim());
          setCursors([undefined]);
        }}
      >
        <label htmlFor="contacts-search" className="field-title">
          Search contacts
        </label>
        <input
          id="contacts-search"
          type="search"
          value={query}
          placeholder="Name, phone number, email or customer ID"
          onChange={(e) => setQuery(e.target.value)}
        />
      </form>
      {error && (
        <p role="alert" className="field-error">
          The contacts could not be read: {error}
        </p>
      )}
      <p className="hint" aria-live="polite">
        {page === undefined
          ? 'Reading the contacts…'
          : shown === 0
            ? search
              ? `No contact matches “${search}”.`
              : 'This list has no contacts yet.'
            : search
              ? `Contacts ${range} matching “${search}”`
              : `Contacts ${range} of ${list.contacts.toLocaleString()}`}
      </p>
      {page && shown > 0 && (
        <div className="table-scroll">
          <table className="lists-table contacts-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Phone number</th>
                <th scope="col">Email address</th>
                <th scope="col">Customer ID</th>
                <th scope="col">Where</th>
                <th scope="col">Extra details</th>
              </tr>
            </thead>
            <tbody>
              {page.contacts.map((c) => (
                <tr key={c.id} data-contact={c.externalId ?? c.phone ?? c.email ?? c.id}>
                  <td>{[c.firstName, c.lastName].filter(Boolean).join(' ')}</td>
                  <td className="phone">{c.phone}</td>
                  <td>{c.email}</td>
                  <td>{c.externalId}</td>
                  <td>{[c.state, c.postalCode, c.timezone].filter(Boolean).join(' · ')}</td>
                  <td className="details">
                    {Object.entries(c.attributes)
                      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 1 || page?.next) && (
        <div className="row-buttons pager">
          <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
          <button type="button" disabled={!page?.next} onClick={() => page?.next && setCursors([...cursors, page.next])}>
            Next page
          </button>
        </div>
      )}
    </section>
  );
}

function DeleteList({ list, running }: { list: ContactListView; running: boolean }) {
  const removal = useConfirmedAction(async () => {
    const deleted = await listsApi.remove(list.id);
    flash = `The list “${deleted.name}” and its ${deleted.contacts.toLocaleString()} ${deleted.contacts === 1 ? 'contact were' : 'contacts were'} deleted.`;
    await refreshLists();
    navigateTo('/lists');
  });
  return (
    <section aria-labelledby="delete-title" className="list-delete">
      <h2 id="delete-title">Delete this list</h2>
      <p className="help">Deletes the list and its contacts for good. A list a run has used is kept, because the run’s history and report need it.</p>
      {removal.confirming ? (
        <div className="delete-confirm" role="group" aria-label={`Delete ${list.name}?`}>
          <span>
            Delete “{list.name}” and its {list.contacts.toLocaleString()} {list.contacts === 1 ? 'contact' : 'contacts'}? This cannot be undone.
          </span>
          <button ref={removal.confirmRef} type="button" className="danger" disabled={removal.busy} onClick={() => void removal.run()}>
            {removal.busy ? 'Deleting…' : 'Yes, delete the list'}
          </button>
          <button type="button" disabled={removal.busy} onClick={removal.cancel}>
            Keep it
          </button>
        </div>
      ) : (
        <button ref={removal.openRef} type="button" className="danger" disabled={running} onClick={removal.ask}>
          Delete list…
        </button>
      )}
      {running && <p className="hint">A file is being imported into this list; it can be deleted once the import ends.</p>}
      {removal.error && (
        <p role="alert" className="field-error">
          {removal.error}
        </p>
      )}
    </section>
  );
}
