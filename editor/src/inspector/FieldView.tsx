// One setting in the inspector: its title, help text and the widget its schema asks for, with a way back to the default.
import type { FieldContext } from './field-context.ts';
import { fieldId } from './pointer.ts';
import type { FieldSpec } from './schema-fields.ts';
import { ComplianceProfileInput, ContactListInput, MultiInput, QueueInput, SelectInput } from './widgets/ChoiceInputs.tsx';
import { DateTimeInput } from './widgets/DateTimeInput.tsx';
import { DurationInput } from './widgets/DurationInput.tsx';
import { BranchesInput, KeyValuesInput, RulesInput } from './widgets/ListInputs.tsx';
import { TemplateInput } from './widgets/TemplateInput.tsx';
import { TimeZoneInput } from './widgets/TimeZoneInput.tsx';
import { WeekdaysInput } from './widgets/WeekdaysInput.tsx';

interface Props {
  spec: FieldSpec;
  value: unknown;
  /** Inside a group, the group's own “Use default” resets its fields together; one link is enough. */
  inherited?: boolean;
  onChange: (value: unknown) => void;
  path: string;
  context: FieldContext;
}

const asString = (v: unknown) => (typeof v === 'string' ? v : undefined);
const asRecord = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Widgets that label themselves with a legend rather than a label pointing at one input. */
const groupWidgets = new Set(['group', 'weekdays', 'rules', 'branches', 'links', 'key-values', 'outcome-meanings', 'boolean']);

export function FieldView({ spec, value, onChange, path, context, inherited = false }: Props) {
  const id = fieldId(path);
  const isSet = value !== undefined;
  const multiple = spec.multiple && spec.widget !== 'weekdays';
  const usesLegend = groupWidgets.has(spec.widget) || multiple;
  const reset = spec.hasDefault && isSet && !inherited && (
    <button type="button" className="link-button" onClick={() => onChange(undefined)} aria-label={`Use the default for ${spec.title}`}>
      Use default
    </button>
  );
  const help = spec.description && (
    <span className="help" id={`${id}:help`}>
      {spec.description}
    </span>
  );

  if (spec.widget === 'boolean') {
    const checked = typeof value === 'boolean' ? value : spec.defaultValue === true;
    return (
      <div className="field field-boolean">
        <label className="check">
          <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
          {spec.title}
        </label>
        {reset}
        {help}
      </div>
    );
  }

  if (spec.widget === 'group' && spec.children) {
    const object = asRecord(value);
    const shownObject = object ?? asRecord(spec.defaultValue) ?? {};
    const present = object !== undefined;
    if (spec.optional && !present) {
      return (
        <div className="field" id={id}>
          <span className="field-title">{spec.title}</span>
          {help}
          <button type="button" onClick={() => onChange({})}>
            Set {spec.title.toLowerCase()}
          </button>
        </div>
      );
    }
    return (
      <fieldset className="field group" id={id}>
        <legend>{spec.title}</legend>
        {help}
        {spec.children.map((child) => (
          <FieldView
            key={child.key}
            spec={child}
            value={shownObject[child.key]}
            inherited
            path={`${path}/${child.key}`}
            context={context}
            onChange={(childValue) => {
              const next = { ...shownObject };
              if (childValue === undefined) delete next[child.key];
              else next[child.key] = childValue;
              onChange(spec.optional && Object.keys(next).length === 0 ? undefined : next);
            }}
          />
        ))}
        {reset}
        {spec.optional && (
          <button type="button" className="link-button" onClick={() => onChange(undefined)}>
            Remove {spec.title.toLowerCase()}
          </button>
        )}
      </fieldset>
    );
  }

  const widget = renderWidget(spec, value, onChange, path, context);
  if (usesLegend) {
    return (
      <fieldset className="field" aria-describedby={spec.description ? `${id}:help` : undefined}>
        <legend>
          {spec.title}
          {spec.unit && <span className="unit"> ({spec.unit})</span>}
        </legend>
        {help}
        {widget}
        {reset}
      </fieldset>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id} className="field-title">
        {spec.title}
      </label>
      {help}
      <span className="inline-fields">
        {widget}
        {spec.unit && <span className="unit">{spec.unit}</span>}
      </span>
      {reset}
    </div>
  );
}

function renderWidget(spec: FieldSpec, value: unknown, onChange: (value: unknown) => void, path: string, context: FieldContext) {
  const common = { path, context };
  const fallback = spec.defaultValue;
  if (spec.multiple && spec.widget !== 'weekdays' && spec.options) {
    return (
      <MultiInput
        {...common}
        value={Array.isArray(value) ? (value as string[]) : undefined}
        onChange={onChange}
        options={spec.options}
        {...(spec.optionLabels && { optionLabels: spec.optionLabels })}
        {...(Array.isArray(fallback) && { fallback: fallback as string[] })}
      />
    );
  }
  switch (spec.widget) {
    case 'select':
    case 'event-type':
      return (
        <SelectInput
          {...common}
          value={asString(value)}
          onChange={onChange}
          options={spec.options ?? []}
          {...(spec.optionLabels && { optionLabels: spec.optionLabels })}
          {...(spec.optional && { emptyLabel: 'Not set' })}
          {...(typeof fallback === 'string' && { fallback })}
        />
      );
    case 'compliance-profile':
      return <ComplianceProfileInput {...common} value={asString(value)} onChange={onChange} optional={spec.optional} />;
    case 'queue':
      return <QueueInput {...common} value={asString(value)} onChange={onChange} />;
    case 'contact-list':
      return <ContactListInput {...common} value={asString(value)} onChange={onChange} />;
    case 'duration':
      return <DurationInput {...common} value={asString(value)} onChange={onChange} {...(typeof fallback === 'string' && { fallback })} />;
    case 'time-of-day':
      return <input id={fieldId(path)} type="time" value={asString(value) ?? ''} onChange={(e) => onChange(e.target.value || undefined)} />;
    case 'weekdays':
      return <WeekdaysInput {...common} value={Array.isArray(value) ? (value as string[]) : undefined} onChange={onChange} />;
    case 'timezone':
      return (
        <TimeZoneInput
          {...common}
          value={asString(value)}
          onChange={onChange}
          {...(spec.literals && { literals: spec.literals })}
          {...(typeof fallback === 'string' && { fallback })}
        />
      );
    case 'datetime':
      return <DateTimeInput {...common} value={asString(value)} onChange={onChange} />;
    case 'template':
      return <TemplateInput {...common} value={asString(value)} onChange={onChange} fieldKey={spec.key} />;
    case 'rules':
      return <RulesInput {...common} value={Array.isArray(value) ? (value as never) : undefined} onChange={onChange} />;
    case 'branches':
      return (
        <BranchesInput
          {...common}
          value={Array.isArray(value) ? (value as never) : undefined}
          onChange={onChange}
          {...(Array.isArray(fallback) && { fallback: fallback as never })}
        />
      );
    case 'links':
      return (
        <KeyValuesInput
          {...common}
          value={asRecord(value) as Record<string, string> | undefined}
          onChange={onChange}
          keyLabel="Link name"
          valueLabel="Web address"
        />
      );
    case 'key-values':
      return (
        <KeyValuesInput {...common} value={asRecord(value) as Record<string, string> | undefined} onChange={onChange} keyLabel="Name" valueLabel="Value" />
      );
    case 'outcome-meanings':
      return (
        <KeyValuesInput
          {...common}
          value={asRecord(value) as Record<string, string> | undefined}
          onChange={onChange}
          keyLabel="Outcome"
          valueLabel="Means"
          valueOptions={spec.options ?? []}
          {...(spec.optionLabels && { optionLabels: spec.optionLabels })}
        />
      );
    case 'number':
    case 'percent':
      return (
        <input
          id={fieldId(path)}
          type="number"
          className="short"
          value={typeof value === 'number' ? value : typeof fallback === 'number' && value === undefined ? fallback : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.valueAsNumber)}
        />
      );
    case 'textarea':
      return <textarea id={fieldId(path)} rows={4} value={asString(value) ?? ''} onChange={(e) => onChange(e.target.value || undefined)} />;
    default:
      return (
        <input
          id={fieldId(path)}
          type={spec.widget === 'url' ? 'url' : spec.widget === 'phone' ? 'tel' : 'text'}
          value={asString(value) ?? ''}
          placeholder={typeof fallback === 'string' ? fallback : spec.widget === 'phone' ? '+14155550100' : ''}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
  }
}
