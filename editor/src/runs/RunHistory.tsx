// The run's History: who started, paused, resumed or stopped it, and when, from the audit log.
import { useEffect, useState } from 'react';
import type { AuditEntryView } from '../../../server/api-types.ts';
import { historyWords } from './run-history.ts';
import { runsApi } from './runs-api.ts';

/** `changed` is anything that differs after someone acts on the run (its status): the list is read again then. */
export function RunHistory({ runId, changed }: { runId: string; changed: string }) {
  const [entries, setEntries] = useState<AuditEntryView[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    runsApi.audit(runId).then(
      (list) => {
        if (!current) return;
        // Oldest first: the history reads as it happened.
        setEntries([...list].reverse());
        setError(undefined);
      },
      (e: unknown) => current && setError(`The run’s history could not be read: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      current = false;
    };
  }, [runId, changed]);
  return (
    <section className="run-history" aria-label="History">
      <h3>History</h3>
      {error && <p className="field-error">{error}</p>}
      {entries && !entries.length && <p className="hint">Nobody has acted on this run yet.</p>}
      {entries && entries.length > 0 && (
        <ol>
          {entries.map((e) => (
            <li key={e.id} data-audit={e.action}>
              <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> {historyWords(e)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
