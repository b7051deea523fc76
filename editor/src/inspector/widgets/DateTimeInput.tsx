// A date and time picked in the journey's time zone; the file keeps it with its UTC offset.
import { DateTime } from 'luxon';
import type { FieldProps } from '../field-context.ts';
import { fieldId } from '../pointer.ts';

export function DateTimeInput({ value, onChange, path, context }: FieldProps<string>) {
  const zone = context.doc.settings.timezone || 'UTC';
  const parsed = value ? DateTime.fromISO(value, { setZone: true }) : undefined;
  const local = parsed?.isValid ? parsed.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm") : '';
  return (
    <span className="stack">
      <input
        id={fieldId(path)}
        type="datetime-local"
        value={local}
        onChange={(e) => {
          if (!e.target.value) return onChange(undefined);
          const at = DateTime.fromISO(e.target.value, { zone });
          onChange(at.isValid ? (at.toISO({ suppressMilliseconds: true }) ?? undefined) : undefined);
        }}
      />
      <span className="hint">In the journey’s time zone, {zone}.</span>
    </span>
  );
}
