// The Do not contact tab: the internal list per channel, with who is on it and why; operators add and remove entries.
import { errorText, useConfirmedAction } from '../app/confirmed-action.ts';
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useServerData } from '../api/server-data.ts';
import {
  canManageList,
  channels,
  channelWords,
  complianceApi,
  describeSource,
  type Channel,
  type DoNotContactView,
  type PermissionChangeView,
} from './compliance-api.ts';
import './compliance.css';

const pageSize = 100;

const valueWords: Record<Channel, { title: string; column: string; placeholder: string; help: string }> = {
  voice: {
    title: 'Phone number',
    column: 'Phone number',
    placeholder: '+14155550100',
    help: 'In international form: a plus sign, the country code, then the number.',
  },
  sms: {
    title: 'Mobile number',
    column: 'Mobile number',
    placeholder: '+447700900123',
    help: 'In international form: a plus sign, the country code, then the number.',
  },
  email: { title: 'Email address', column: 'Email address', placeholder: 'name@example.com', help: 'The address exactly as the contact gave it.' },
};

function formatAdded(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function DoNotContactPage() {
  const session = useServerData((d) => d.session);
  const canEdit = canManageList(session?.role);
  const [channel, setChannel] = useState<Channel>('voice');
  const [entries, setEntries] = useState<DoNotContactView[]>();
  const [more, setMore] = useState(false);
  const [loadError, setLoadError] = useState<string>();
  const [message, setMessage] = useState<string>();
  const listTitle = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async (which: Channel, offset = 0) => {
    setLoadError(undefined);
    try {
      const page = await complianceApi.list(which, pageSize, offset);
      setEntries((current) => (offset === 0 ? page : [...(current ?? []), ...page]));
      setMore(page.length === pageSize);
    } catch (error) {
      setLoadError(errorText(error));
      if (offset === 0) setEntries(undefined);
    }
  }, []);

  useEffect(() => {
    if (!session) return;
    setEntries(undefined);
    void load(channel);
  }, [channel, load, session]);

  return (
    <main className="page dnc-page" id="main">
      <h1>Do not contact</h1>
      <p className="dnc-intro">
        People on this list are never called, texted or emailed on that channel, in any journey. Compliance gates that check “Do-not-contact lists” send them
        out by “Blocked”, and every call, text and email is checked against it again as it goes. Opt-outs by STOP replies, unsubscribe links and agents’ “do not
        call” outcomes in live runs are added here automatically; simulated runs never change it.
      </p>
      <div className="dnc-channels" role="group" aria-label="Channel">
        {channels.map((c) => (
          <button key={c} type="button" aria-pressed={c === channel} onClick={() => setChannel(c)}>
            {channelWords[c]}
          </button>
        ))}
      </div>
      <div className="dnc-layout">
        <section aria-labelledby="dnc-list-title" className="dnc-list">
          <h2 id="dnc-list-title" ref={listTitle} tabIndex={-1}>
            On the {channelWords[channel].toLowerCase()} list
          </h2>
          <p role="status" aria-live="polite" className="dnc-message">
            {message}
          </p>
          {loadError && (
            <p role="alert" className="field-error">
              The list could not be read: {loadError}
            </p>
          )}
          {!session && !loadError && <p className="hint">Sign in to see the list.</p>}
          {session && entries === undefined && !loadError && <p className="hint">Reading the list…</p>}
          {entries?.length === 0 && <p className="hint">Nobody is on this list.</p>}
          {entries !== undefined && entries.length > 0 && (
            <table className="dnc-table">
              <thead>
                <tr>
                  <th scope="col">{valueWords[channel].column}</th>
                  <th scope="col">Reason</th>
                  <th scope="col">By</th>
                  <th scope="col">Added</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <EntryRow
                    key={`${entry.channel}:${entry.value}`}
                    entry={entry}
                    canEdit={canEdit}
                    onRemoved={() => {
                      setEntries((current) => current?.filter((e) => e !== entry));
                      setMessage(`${entry.value} was taken off the ${channelWords[entry.channel].toLowerCase()} list.`);
                      // The row and its buttons are gone; the list's title keeps the keyboard's place.
                      listTitle.current?.focus();
                    }}
                  />
                ))}
              </tbody>
            </table>
          )}
          {more && entries && (
            <button type="button" onClick={() => void load(channel, entries.length)}>
              Show more
            </button>
          )}
          {session && <ListHistory channel={channel} version={entries} />}
        </section>
        <AddForm
          channel={channel}
          canEdit={canEdit}
          role={session?.role}
          onAdded={(entry) => {
            setMessage(`${entry.value} is now on the ${channelWords[entry.channel].toLowerCase()} list.`);
            if (entry.channel === channel) void load(channel);
            else setChannel(entry.channel);
          }}
        />
      </div>
    </main>
  );
}

/** The last changes to a channel's list, taken off included: nothing leaves the list without a trace. */
function ListHistory({ channel, version }: { channel: Channel; version: unknown }) {
  const [changes, setChanges] = useState<PermissionChangeView[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    complianceApi.history(channel).then(
      (c) => {
        if (!live) return;
        setChanges(c);
        setError(undefined);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [channel, version]);
  return (
    <details className="dnc-history">
      <summary>Changes to this list</summary>
      {error && <p className="field-error">The changes could not be read: {error}</p>}
      {changes?.length === 0 && <p className="hint">No changes yet.</p>}
      {changes && changes.length > 0 && (
        <ul>
          {changes.map((c) => (
            <li key={c.id} data-dnc-change={c.change}>
              <span className="dnc-date">{formatAdded(c.at)}</span> <strong>{c.change === 'added' ? 'Added' : 'Taken off'}</strong> {c.value} (
              {describeSource(c.source, c.actor)}
              {c.runId && <>, run {c.runId}</>}): {c.reason}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

function EntryRow({ entry, canEdit, onRemoved }: { entry: DoNotContactView; canEdit: boolean; onRemoved: () => void }) {
  const removal = useConfirmedAction(async () => {
    await complianceApi.remove(entry.channel, entry.value);
    onRemoved();
  });
  return (
    <tr data-dnc-entry={entry.value}>
      <td className="dnc-value">{entry.value}</td>
      <td>{entry.reason}</td>
      <td>{describeSource(entry.source, entry.actor)}</td>
      <td className="dnc-date">{formatAdded(entry.addedAt)}</td>
      <td className="dnc-actions">
        {!canEdit ? (
          <span className="hint">Removing needs the operator role</span>
        ) : removal.confirming ? (
          <div className="dnc-confirm" role="group" aria-label={`Remove ${entry.value}?`}>
            <span>
              Remove {entry.value}? {entry.channel === 'email' ? 'Emails' : entry.channel === 'sms' ? 'Texts' : 'Calls'} to it will be allowed again.
            </span>
            <button ref={removal.confirmRef} type="button" className="danger" disabled={removal.busy} onClick={() => void removal.run()}>
              Yes, remove
            </button>
            <button type="button" disabled={removal.busy} onClick={removal.cancel}>
              Keep
            </button>
          </div>
        ) : (
          <button ref={removal.openRef} type="button" className="small" aria-label={`Remove ${entry.value}`} onClick={removal.ask}>
            Remove…
          </button>
        )}
        {removal.error && (
          <span role="alert" className="field-error">
            {removal.error}
          </span>
        )}
      </td>
    </tr>
  );
}

function AddForm({
  channel,
  canEdit,
  role,
  onAdded,
}: {
  channel: Channel;
  canEdit: boolean;
  role: string | undefined;
  onAdded: (entry: DoNotContactView) => void;
}) {
  const id = useId();
  const [target, setTarget] = useState<Channel>(channel);
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const valueRef = useRef<HTMLInputElement>(null);
  useEffect(() => setTarget(channel), [channel]);
  const words = valueWords[target];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canEdit || busy) return;
    if (!value.trim()) {
      setError(`Enter the ${words.title.toLowerCase()} to add.`);
      valueRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const entry = await complianceApi.add({ channel: target, value: value.trim(), ...(reason.trim() && { reason: reason.trim() }) });
      setValue('');
      setReason('');
      onAdded(entry);
      valueRef.current?.focus();
    } catch (err) {
      setError(errorText(err));
      valueRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="dnc-add">
      <h2 id={`${id}-title`}>Add to the list</h2>
      {!canEdit && (
        <p className="dnc-role-note" id={`${id}-role`}>
          Adding and removing entries needs the operator role{role ? `; you are signed in as a ${role}` : ''}. Ask an administrator if you need to change the
          list.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} aria-describedby={canEdit ? undefined : `${id}-role`}>
        <fieldset disabled={!canEdit} className="dnc-fields">
          <div className="field">
            <label htmlFor={`${id}-channel`} className="field-title">
              Channel
            </label>
            <select id={`${id}-channel`} value={target} onChange={(e) => setTarget(e.target.value as Channel)}>
              {channels.map((c) => (
                <option key={c} value={c}>
                  {channelWords[c]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-value`} className="field-title">
              {words.title}
            </label>
            <span className="help" id={`${id}-value-help`}>
              {words.help}
            </span>
            <input
              ref={valueRef}
              id={`${id}-value`}
              type={target === 'email' ? 'text' : 'tel'}
              inputMode={target === 'email' ? 'email' : 'tel'}
              value={value}
              placeholder={words.placeholder}
              autoComplete="off"
              aria-describedby={`${id}-value-help${error ? ` ${id}-error` : ''}`}
              aria-invalid={error !== undefined}
              onChange={(e) => setValue(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-reason`} className="field-title">
              Reason <span className="unit">(optional)</span>
            </label>
            <input
              id={`${id}-reason`}
              type="text"
              value={reason}
              maxLength={500}
              placeholder="Asked not to be called again"
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          {error && (
            <p role="alert" className="field-error" id={`${id}-error`}>
              {error}
            </p>
          )}
          <div className="row-buttons">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Adding…' : 'Add to the list'}
            </button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}
