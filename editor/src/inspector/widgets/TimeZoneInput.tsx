// A time zone by name, with the list of known zones to pick from, or the contact's own zone where the field allows it.
import type { FieldProps } from '../field-context.ts';
import { fieldId } from '../pointer.ts';

const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

export function TimeZoneInput({ value, onChange, path, literals = [], fallback }: FieldProps<string> & { literals?: string[]; fallback?: string }) {
  const shown = value ?? fallback;
  const ownZone = literals.includes('contact');
  const usesContact = ownZone && shown === 'contact';
  return (
    <span className="stack">
      {ownZone && (
        <label className="check">
          <input type="checkbox" checked={usesContact} onChange={(e) => onChange(e.target.checked ? 'contact' : 'America/New_York')} />
          Each contact’s own time zone
        </label>
      )}
      {!usesContact && (
        <>
          <input
            id={fieldId(path)}
            type="text"
            list="time-zones"
            value={shown ?? ''}
            placeholder="America/New_York"
            onChange={(e) => onChange(e.target.value || undefined)}
          />
          <datalist id="time-zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </>
      )}
    </span>
  );
}
