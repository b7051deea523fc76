// Days of the week as check boxes, kept in the file as mon, tue, ... in week order.
import { weekdays } from '../../../../schemas/fields.ts';
import type { FieldProps } from '../field-context.ts';
import { fieldId } from '../pointer.ts';

const names: Record<(typeof weekdays)[number], string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export function WeekdaysInput({ value, onChange, path }: FieldProps<string[]>) {
  const chosen = new Set(value ?? []);
  return (
    <span className="check-row" id={fieldId(path)}>
      {weekdays.map((day) => (
        <label key={day} className="check">
          <input
            type="checkbox"
            checked={chosen.has(day)}
            onChange={(e) => {
              const next = weekdays.filter((d) => (d === day ? e.target.checked : chosen.has(d)));
              onChange(next.length ? next : undefined);
            }}
          />
          <span title={names[day]}>{names[day].slice(0, 3)}</span>
        </label>
      ))}
    </span>
  );
}
