// A run's audit entries in plain words, for the History section of the run's page.
import type { AuditEntryView } from '../../../server/api-types.ts';

/** "Alice started the run", "Bob stopped the run: Wrong list"; a reason that only repeats who stopped it is left out. */
export function historyWords(entry: AuditEntryView): string {
  const who = entry.actor.name;
  switch (entry.action) {
    case 'run.started': {
      const startAt = typeof entry.details.startAt === 'string' ? Date.parse(entry.details.startAt) : NaN;
      // A run started for later says when it begins; one started now needs no second time beside the first.
      const later = startAt - Date.parse(entry.at) > 60_000;
      return `${who} started the run${later ? `, to begin ${new Date(startAt).toLocaleString()}` : ''}`;
    }
    case 'run.paused':
      return `${who} paused the run`;
    case 'run.resumed':
      return `${who} resumed the run`;
    case 'run.stopped': {
      const reason = typeof entry.details.reason === 'string' ? entry.details.reason : '';
      return reason && reason !== `Stopped by ${who}` ? `${who} stopped the run: ${reason}` : `${who} stopped the run`;
    }
    default:
      return `${who}: ${entry.action} ${entry.target}`;
  }
}
