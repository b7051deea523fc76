// Choices: a kind's enum values with their plain labels, and lists that come from the journey and the server.
import { complianceProfiles } from '../../../../schemas/compliance-profiles.ts';
import { useServerData } from '../../api/server-data.ts';
import type { FieldProps } from '../field-context.ts';
import { fieldId } from '../pointer.ts';

export function SelectInput({
  value,
  onChange,
  path,
  options,
  optionLabels,
  emptyLabel,
  fallback,
}: FieldProps<string> & { options: string[]; optionLabels?: Record<string, string>; emptyLabel?: string; fallback?: string }) {
  const shown = value ?? fallback ?? '';
  return (
    <select id={fieldId(path)} value={shown} onChange={(e) => onChange(e.target.value || undefined)}>
      {(emptyLabel !== undefined || shown === '') && <option value="">{emptyLabel ?? 'Choose…'}</option>}
      {options.map((option) => (
        <option key={option} value={option}>
          {optionLabels?.[option] ?? option}
        </option>
      ))}
      {shown && !options.includes(shown) && <option value={shown}>{shown} (not a known choice)</option>}
    </select>
  );
}

export function MultiInput({
  value,
  onChange,
  path,
  options,
  optionLabels,
  fallback,
}: FieldProps<string[]> & { options: string[]; optionLabels?: Record<string, string>; fallback?: string[] }) {
  const chosen = new Set(value ?? fallback ?? []);
  return (
    <span className="stack" id={fieldId(path)}>
      {options.map((option) => (
        <label key={option} className="check">
          <input
            type="checkbox"
            checked={chosen.has(option)}
            onChange={(e) => onChange(options.filter((o) => (o === option ? e.target.checked : chosen.has(o))))}
          />
          {optionLabels?.[option] ?? option}
        </label>
      ))}
    </span>
  );
}

export function ComplianceProfileInput(props: FieldProps<string> & { optional: boolean }) {
  const journeyRules = props.context.doc.settings.compliance;
  return (
    <SelectInput
      {...props}
      options={Object.keys(complianceProfiles)}
      optionLabels={complianceProfiles}
      {...(props.optional && { emptyLabel: `The journey’s rules${journeyRules ? ` (${journeyRules})` : ''}` })}
    />
  );
}

/** Queues the server knows (with their agents) and those named in the journey; a new name can be typed. */
export function QueueInput({ value, onChange, path, context }: FieldProps<string>) {
  const known = useServerData((d) => d.queues) ?? [];
  const named = Object.values(context.doc.nodes).flatMap((n) => (typeof n.config.queue === 'string' && n.config.queue ? [n.config.queue] : []));
  const queues = [...new Set([...known.map((q) => q.id), ...named])];
  const agents = new Map(known.map((q) => [q.id, q]));
  return (
    <>
      <input
        id={fieldId(path)}
        type="text"
        list="queues"
        value={value ?? ''}
        placeholder="collections"
        onChange={(e) => onChange(e.target.value || undefined)}
      />
      <datalist id="queues">
        {queues.map((q) => {
          const info = agents.get(q);
          return <option key={q} value={q} label={info ? `${info.agents} agents, ${info.available} free now` : 'named in this journey'} />;
        })}
      </datalist>
    </>
  );
}

export function ContactListInput({ value, onChange, path }: FieldProps<string>) {
  const lists = useServerData((d) => d.lists);
  if (!lists) {
    return <input id={fieldId(path)} type="text" value={value ?? ''} placeholder="overdue-accounts" onChange={(e) => onChange(e.target.value || undefined)} />;
  }
  return (
    <select id={fieldId(path)} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">Choose a contact list…</option>
      {lists.map((list) => (
        <option key={list.id} value={list.id}>
          {list.name} ({list.contacts.toLocaleString()} contacts)
        </option>
      ))}
      {value && !lists.some((l) => l.id === value) && <option value={value}>{value} (not on the server)</option>}
    </select>
  );
}
