// A length of time as a number and a unit; the file gets the ISO 8601 form.
import { useState } from 'react';
import { durationUnits, joinDuration, splitDuration, type DurationUnit } from '../duration.ts';
import type { FieldProps } from '../field-context.ts';
import { fieldId } from '../pointer.ts';

export function DurationInput({ value, onChange, path, fallback }: FieldProps<string> & { fallback?: string }) {
  const shown = value ?? fallback;
  const parts = shown ? splitDuration(shown) : undefined;
  const [unit, setUnit] = useState<DurationUnit>(parts?.unit ?? 'days');
  if (shown && !parts) {
    return (
      <input id={fieldId(path)} type="text" value={shown} onChange={(e) => onChange(e.target.value || undefined)} aria-describedby={`${fieldId(path)}:help`} />
    );
  }
  const currentUnit = parts?.unit ?? unit;
  return (
    <span className="inline-fields">
      <input
        id={fieldId(path)}
        type="number"
        min={1}
        step={1}
        className="short"
        value={parts?.amount ?? ''}
        onChange={(e) => {
          const amount = Number.parseInt(e.target.value, 10);
          onChange(Number.isFinite(amount) && amount > 0 ? joinDuration(amount, currentUnit) : undefined);
        }}
      />
      <select
        aria-label="Unit"
        value={currentUnit}
        onChange={(e) => {
          const next = e.target.value as DurationUnit;
          setUnit(next);
          if (parts) onChange(joinDuration(parts.amount, next));
        }}
      >
        {durationUnits.map((u) => (
          <option key={u.unit} value={u.unit}>
            {u.label}
          </option>
        ))}
      </select>
    </span>
  );
}
