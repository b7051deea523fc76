// Editors for the list settings: a branch's rules, a split's paths, and named values (links, headers).
import { conditionOperators } from '../../../../schemas/nodes/branch.ts';
import { sampleFor } from '../../api/server-data.ts';
import type { FieldProps } from '../field-context.ts';
import { fieldId } from '../pointer.ts';

type Scalar = string | number | boolean;
interface Condition {
  field: string;
  op: (typeof conditionOperators)[number];
  value?: Scalar | Scalar[];
}
interface Rule {
  port: string;
  label?: string;
  match?: 'all' | 'any';
  conditions: Condition[];
}

const operatorLabels: Record<Condition['op'], string> = {
  equals: 'is',
  'not-equals': 'is not',
  in: 'is one of',
  'not-in': 'is none of',
  contains: 'contains',
  'greater-than': 'is more than',
  'less-than': 'is less than',
  exists: 'has a value',
  'not-exists': 'has no value',
};

function freshName(taken: string[], stem: string): string {
  for (let n = taken.length + 1; ; n++) if (!taken.includes(`${stem}-${n}`)) return `${stem}-${n}`;
}

/** The value as the user typed it, in the type the operator compares with. */
function typedValue(op: Condition['op'], text: string): Condition['value'] {
  if (op === 'exists' || op === 'not-exists') return undefined;
  if (op === 'in' || op === 'not-in')
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (op === 'greater-than' || op === 'less-than') return text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text);
  return text;
}

function shownValue(value: Condition['value']): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

export function RulesInput({ value, onChange, path, context }: FieldProps<Rule[]>) {
  const rules = value ?? [];
  const set = (i: number, rule: Rule) => onChange(rules.map((r, j) => (j === i ? rule : r)));
  const sample = sampleFor(undefined);
  const suggestions = [
    'lastCall.disposition',
    ...Object.keys(sample.contact).map((k) => `contact.${k}`),
    ...Object.keys(sample.attributes).map((k) => `attributes.${k}`),
    ...Object.entries(context.doc.nodes).flatMap(([id, n]) => (n.type === 'dialer' ? [`results.${id}.disposition`] : [])),
  ];
  return (
    <div className="list-editor" id={fieldId(path)}>
      <datalist id="condition-fields">
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      {rules.map((rule, i) => {
        const base = `${path}/${i}`;
        return (
          <fieldset key={i} className="list-item" id={fieldId(base)}>
            <legend>Path {i + 1}</legend>
            <label htmlFor={fieldId(`${base}/label`)}>Name shown on the canvas</label>
            <input
              id={fieldId(`${base}/label`)}
              type="text"
              value={rule.label ?? ''}
              onChange={(e) => {
                const { label: _l, ...rest } = rule;
                set(i, e.target.value ? { ...rest, label: e.target.value } : rest);
              }}
            />
            <label htmlFor={fieldId(`${base}/port`)}>Path name in the file</label>
            <input id={fieldId(`${base}/port`)} type="text" value={rule.port} onChange={(e) => set(i, { ...rule, port: e.target.value })} />
            {rule.conditions.length > 1 && (
              <label className="inline-fields">
                <span>Contacts go this way when</span>
                <select value={rule.match ?? 'all'} onChange={(e) => set(i, { ...rule, match: e.target.value as 'all' | 'any' })}>
                  <option value="all">all conditions hold</option>
                  <option value="any">any condition holds</option>
                </select>
              </label>
            )}
            {rule.conditions.map((condition, k) => {
              const at = `${base}/conditions/${k}`;
              const setCondition = (next: Condition) => set(i, { ...rule, conditions: rule.conditions.map((c, m) => (m === k ? next : c)) });
              const needsValue = condition.op !== 'exists' && condition.op !== 'not-exists';
              return (
                <div key={k} className="condition" id={fieldId(at)}>
                  <input
                    id={fieldId(`${at}/field`)}
                    aria-label={`Path ${i + 1}, condition ${k + 1}: what to check`}
                    type="text"
                    list="condition-fields"
                    value={condition.field}
                    onChange={(e) => setCondition({ ...condition, field: e.target.value })}
                  />
                  <select
                    id={fieldId(`${at}/op`)}
                    aria-label={`Path ${i + 1}, condition ${k + 1}: comparison`}
                    value={condition.op}
                    onChange={(e) => {
                      const op = e.target.value as Condition['op'];
                      const { value: old, ...rest } = condition;
                      const value = typedValue(op, shownValue(old));
                      setCondition(value === undefined ? { ...rest, op } : { ...rest, op, value });
                    }}
                  >
                    {conditionOperators.map((op) => (
                      <option key={op} value={op}>
                        {operatorLabels[op]}
                      </option>
                    ))}
                  </select>
                  {needsValue && (
                    <input
                      id={fieldId(`${at}/value`)}
                      aria-label={`Path ${i + 1}, condition ${k + 1}: value`}
                      type="text"
                      value={shownValue(condition.value)}
                      placeholder={condition.op === 'in' || condition.op === 'not-in' ? 'a, b, c' : ''}
                      onChange={(e) => setCondition({ ...condition, value: typedValue(condition.op, e.target.value) })}
                    />
                  )}
                  <button
                    type="button"
                    className="small"
                    aria-label={`Remove condition ${k + 1} of path ${i + 1}`}
                    disabled={rule.conditions.length === 1}
                    onClick={() => set(i, { ...rule, conditions: rule.conditions.filter((_, m) => m !== k) })}
                  >
                    Remove
                  </button>
                </div>
              );
            })}
            <div className="row-buttons">
              <button
                type="button"
                className="small"
                onClick={() => set(i, { ...rule, conditions: [...rule.conditions, { field: 'lastCall.disposition', op: 'equals', value: '' }] })}
              >
                Add a condition
              </button>
              <button type="button" className="small danger" onClick={() => onChange(rules.filter((_, j) => j !== i))}>
                Remove path {i + 1}
              </button>
            </div>
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() =>
          onChange([
            ...rules,
            {
              port: freshName(
                rules.map((r) => r.port),
                'path',
              ),
              conditions: [{ field: 'lastCall.disposition', op: 'equals', value: '' }],
            },
          ])
        }
      >
        Add a path
      </button>
      <p className="hint">Rules are checked from the top; contacts no rule matches go by “Otherwise”.</p>
    </div>
  );
}

interface SplitPath {
  port: string;
  percent: number;
}

export function BranchesInput({ value, onChange, path, fallback }: FieldProps<SplitPath[]> & { fallback?: SplitPath[] }) {
  const paths = value ?? fallback ?? [];
  const total = paths.reduce((sum, p) => sum + (Number.isFinite(p.percent) ? p.percent : 0), 0);
  const set = (i: number, next: SplitPath) => onChange(paths.map((p, j) => (j === i ? next : p)));
  return (
    <div className="list-editor" id={fieldId(path)}>
      {paths.map((p, i) => (
        <div key={i} className="condition" id={fieldId(`${path}/${i}`)}>
          <input
            id={fieldId(`${path}/${i}/port`)}
            aria-label={`Path ${i + 1} name`}
            type="text"
            value={p.port}
            onChange={(e) => set(i, { ...p, port: e.target.value })}
          />
          <input
            id={fieldId(`${path}/${i}/percent`)}
            aria-label={`Path ${i + 1} share in percent`}
            className="short"
            type="number"
            min={0}
            max={100}
            value={Number.isFinite(p.percent) ? p.percent : ''}
            onChange={(e) => set(i, { ...p, percent: e.target.valueAsNumber })}
          />
          <span>%</span>
          <button
            type="button"
            className="small"
            aria-label={`Remove path ${i + 1}`}
            disabled={paths.length <= 2}
            onClick={() => onChange(paths.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          onChange([
            ...paths,
            {
              port: freshName(
                paths.map((p) => p.port),
                'path',
              ),
              percent: 0,
            },
          ])
        }
      >
        Add a path
      </button>
      <p className={`hint${Math.abs(total - 100) > 1e-9 ? ' is-wrong' : ''}`}>Together: {Number(total.toFixed(4))} % (must be 100 %).</p>
    </div>
  );
}

export function KeyValuesInput({
  value,
  onChange,
  path,
  keyLabel,
  valueLabel,
  valueOptions,
  optionLabels,
}: FieldProps<Record<string, string>> & { keyLabel: string; valueLabel: string; valueOptions?: string[]; optionLabels?: Record<string, string> }) {
  const entries = Object.entries(value ?? {});
  const write = (next: [string, string][]) => onChange(next.length ? Object.fromEntries(next) : undefined);
  return (
    <div className="list-editor" id={fieldId(path)}>
      {entries.map(([key, val], i) => (
        <div key={i} className="condition" id={fieldId(`${path}/${key}`)}>
          <input
            aria-label={`${keyLabel} ${i + 1}`}
            type="text"
            value={key}
            onChange={(e) => write(entries.map(([k, v], j) => (j === i ? [e.target.value, v] : [k, v])))}
          />
          {valueOptions ? (
            <select
              aria-label={`${valueLabel} ${i + 1}`}
              value={val}
              onChange={(e) => write(entries.map(([k, v], j) => (j === i ? [k, e.target.value] : [k, v])))}
            >
              {!valueOptions.includes(val) && <option value={val}>Choose…</option>}
              {valueOptions.map((o) => (
                <option key={o} value={o}>
                  {optionLabels?.[o] ?? o}
                </option>
              ))}
            </select>
          ) : (
            <input
              aria-label={`${valueLabel} ${i + 1}`}
              type="text"
              value={val}
              onChange={(e) => write(entries.map(([k, v], j) => (j === i ? [k, e.target.value] : [k, v])))}
            />
          )}
          <button
            type="button"
            className="small"
            aria-label={`Remove ${keyLabel.toLowerCase()} ${key}`}
            onClick={() => write(entries.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          write([
            ...entries,
            [
              freshName(
                entries.map(([k]) => k),
                keyLabel === 'Link name' ? 'link' : keyLabel === 'Outcome' ? 'outcome' : 'name',
              ),
              valueOptions?.[0] ?? '',
            ],
          ])
        }
      >
        Add
      </button>
    </div>
  );
}
