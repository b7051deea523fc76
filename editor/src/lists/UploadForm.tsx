// Uploading a contact list: choose a CSV, check its first rows, match its columns to contact fields (guessed from the
// header), choose the country of numbers written without one, and send it to a new list or an existing one.
import { useId, useRef, useState, type FormEvent } from 'react';
import { callableCountries, callableCountryIds } from '../../../schemas/compliance-profiles.ts';
import { contactFields, type ContactField } from '../../../schemas/contact-columns.ts';
import { navigateTo } from '../app/routes.ts';
import { consentColumns, extraColumns, listIdFor, nameFromFile, readPreview, type CsvPreview } from './csv-preview.ts';
import { startUpload } from './import-tracker.ts';
import type { ContactListView } from './lists-api.ts';

export const fieldWords: Record<ContactField, { label: string; help?: string }> = {
  phone: { label: 'Phone number', help: 'For calls and texts' },
  email: { label: 'Email address' },
  firstName: { label: 'First name' },
  lastName: { label: 'Last name' },
  externalId: { label: 'Customer ID', help: 'Your own reference: a contact uploaded again with it is updated, not added twice' },
  timezone: { label: 'Time zone', help: 'Such as America/Chicago; else worked out from the state or the number' },
  state: { label: 'State or province' },
  postalCode: { label: 'Postal code' },
};

/** The fields in the order a manager looks for them: how to reach the person first. */
const fieldOrder: ContactField[] = ['phone', 'email', 'firstName', 'lastName', 'externalId', 'timezone', 'state', 'postalCode'];

/** The country a browser's language names, when numbers there can be called; else the United States. */
function defaultCountry(): string {
  const region = (navigator.language.split('-')[1] ?? '').toUpperCase();
  return (callableCountryIds as readonly string[]).includes(region) ? region : 'US';
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function UploadForm({ lists, fixedList }: { lists: ContactListView[] | undefined; fixedList?: ContactListView }) {
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<CsvPreview>();
  const [columns, setColumns] = useState<Partial<Record<ContactField, string>>>({});
  const [region, setRegion] = useState(defaultCountry);
  const [target, setTarget] = useState<'new' | 'existing'>('new');
  const [name, setName] = useState('');
  const [existing, setExisting] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const choose = async (chosen: File | undefined) => {
    setError(undefined);
    setPreview(undefined);
    setFile(chosen);
    if (!chosen) return;
    try {
      const read = await readPreview(chosen);
      setPreview(read);
      setColumns(Object.fromEntries(contactFields.map((f) => [f, read.guessed[f] ?? ''])));
      setName(nameFromFile(chosen.name));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!file || !preview) {
      setError('Choose the CSV file to upload first.');
      fileRef.current?.focus();
      return;
    }
    if (!columns.phone && !columns.email) {
      setError('Choose the column with phone numbers or the one with email addresses: every contact needs one of them.');
      document.getElementById(`${id}-phone`)?.focus();
      return;
    }
    let listId: string;
    let listName: string;
    if (fixedList) {
      listId = fixedList.id;
      listName = fixedList.name;
    } else if (target === 'existing') {
      const chosen = lists?.find((l) => l.id === existing);
      if (!chosen) {
        setError('Choose the list to add the contacts to.');
        document.getElementById(`${id}-existing`)?.focus();
        return;
      }
      listId = chosen.id;
      listName = chosen.name;
    } else {
      listName = name.trim();
      if (!listName) {
        setError('Give the new list a name, such as “Overdue accounts, March”.');
        document.getElementById(`${id}-name`)?.focus();
        return;
      }
      listId = listIdFor(listName, new Set((lists ?? []).map((l) => l.id)));
    }
    setBusy(true);
    setError(undefined);
    try {
      await startUpload(file, { listId, name: listName, columns, ...(region && { region }) }, preview.rowEstimate);
      navigateTo(`/lists/${encodeURIComponent(listId)}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const extras = preview ? extraColumns(preview.header, columns) : [];
  const consent = preview ? consentColumns(preview.header) : [];
  const rowsText = preview
    ? preview.rowEstimate.exact
      ? `${preview.rowEstimate.rows.toLocaleString()} ${preview.rowEstimate.rows === 1 ? 'row' : 'rows'}`
      : `about ${preview.rowEstimate.rows.toLocaleString()} rows`
    : '';

  return (
    <form className={preview ? 'upload-form has-file' : 'upload-form'} onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>{fixedList ? 'Upload more contacts' : 'Upload a contact list'}</h2>
      <div className="field">
        <label htmlFor={`${id}-file`} className="field-title">
          CSV file
        </label>
        <span className="help" id={`${id}-file-help`}>
          Save the spreadsheet as “CSV (comma separated)”. The first row names the columns; each other row is one person, with a phone number or an email
          address. Any size.
        </span>
        <input
          ref={fileRef}
          id={`${id}-file`}
          type="file"
          accept=".csv,.txt,text/csv"
          aria-describedby={`${id}-file-help`}
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </div>

      {preview && file && (
        <>
          <section className="upload-preview" aria-labelledby={`${id}-preview-title`}>
            <h3 id={`${id}-preview-title`}>First rows of {file.name}</h3>
            <p className="hint">
              {formatBytes(file.size)}, {rowsText}
              {preview.encoding === 'windows-1252' && '; read as Windows-1252 (not UTF-8): check that accented letters look right'}.
            </p>
            <div className="table-scroll">
              <table className="lists-table preview-table">
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    {preview.header.map((h, i) => (
                      <th scope="col" key={i}>
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((row) => (
                    <tr key={row.line}>
                      <td className="line-number">{row.line}</td>
                      {preview.header.map((_, i) => (
                        <td key={i}>{row.cells[i] ?? ''}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <fieldset className="upload-mapping">
            <legend>Which column holds what</legend>
            <p className="help">Guessed from the column names; change any that are wrong.</p>
            <div className="mapping-grid">
              {fieldOrder.map((field) => (
                <div className="field" key={field}>
                  <label htmlFor={`${id}-${field}`} className="field-title">
                    {fieldWords[field].label}
                  </label>
                  <select id={`${id}-${field}`} value={columns[field] ?? ''} onChange={(e) => setColumns({ ...columns, [field]: e.target.value })}>
                    <option value="">Not in this file</option>
                    {preview.header
                      .filter((h) => h !== '')
                      .map((h) => (
                        <option key={h} value={h}>
                          {h}
                        </option>
                      ))}
                  </select>
                  {fieldWords[field].help && <span className="help">{fieldWords[field].help}</span>}
                </div>
              ))}
            </div>
            {consent.length > 0 && <p className="help">Consent is read from {consent.map((c) => `“${c}”`).join(', ')} (yes or no).</p>}
            {extras.length > 0 && (
              <p className="help">
                Kept with each contact as extra details, for messages to use (<code>{`{{ contact.attributes.${extras[0]} }}`}</code>):{' '}
                {extras.map((c) => `“${c}”`).join(', ')}.
              </p>
            )}
          </fieldset>

          <div className="field">
            <label htmlFor={`${id}-region`} className="field-title">
              Country of numbers written without a country code
            </label>
            <span className="help" id={`${id}-region-help`}>
              A number such as (202) 555-0101 is read as a number in this country. Numbers that start with + and a country code are read as written.
            </span>
            <select id={`${id}-region`} value={region} aria-describedby={`${id}-region-help`} onChange={(e) => setRegion(e.target.value)}>
              {callableCountryIds.map((c) => (
                <option key={c} value={c}>
                  {callableCountries[c]}
                </option>
              ))}
              <option value="">None: every number starts with + and its country code</option>
            </select>
          </div>

          {fixedList ? (
            <p className="help">
              The contacts are added to “{fixedList.name}”. Someone already in it (the same customer ID, else phone number, else email address) is updated, not
              added twice.
            </p>
          ) : (
            <fieldset className="field">
              <legend className="field-title">Add the contacts to</legend>
              <label className="check">
                <input type="radio" name={`${id}-target`} checked={target === 'new'} onChange={() => setTarget('new')} />A new list
              </label>
              {target === 'new' && (
                <div className="field nested">
                  <label htmlFor={`${id}-name`} className="field-title">
                    Name of the new list
                  </label>
                  <input id={`${id}-name`} type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
                </div>
              )}
              <label className="check">
                <input type="radio" name={`${id}-target`} checked={target === 'existing'} disabled={!lists?.length} onChange={() => setTarget('existing')} />
                An existing list{!lists?.length && ' (there are none yet)'}
              </label>
              {target === 'existing' && (
                <div className="field nested">
                  <label htmlFor={`${id}-existing`} className="field-title">
                    List
                  </label>
                  <select id={`${id}-existing`} value={existing} onChange={(e) => setExisting(e.target.value)}>
                    <option value="">Choose a list…</option>
                    {lists?.map((l) => (
                      <option key={l.id} value={l.id}>
                        {l.name} ({l.contacts.toLocaleString()} contacts)
                      </option>
                    ))}
                  </select>
                  <span className="help">Someone already in it (the same customer ID, else phone number, else email address) is updated, not added twice.</span>
                </div>
              )}
            </fieldset>
          )}
        </>
      )}

      {error && (
        <p role="alert" className="field-error upload-error">
          {error}
        </p>
      )}
      <div className="row-buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Starting…' : preview ? `Import ${rowsText}` : 'Import'}
        </button>
      </div>
    </form>
  );
}
