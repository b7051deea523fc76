// Choosing the queues to take calls from: the queues there are as tick boxes, and any other by name.
import { useEffect, useState, type FormEvent } from 'react';
import { agentApi } from './agent-api.ts';

const rememberedKey = 'journey-builder.agent-queues';

/** The queues this browser's agent chose last time, so going available again is one click. */
function remembered(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(rememberedKey) ?? '[]');
    return Array.isArray(value) ? value.filter((q): q is string => typeof q === 'string') : [];
  } catch {
    return [];
  }
}

export function QueuePicker({ known, onGo }: { known: string[]; onGo: (queues: string[]) => Promise<boolean> }) {
  const [added, setAdded] = useState<string[]>([]);
  const [existing, setExisting] = useState<string[]>([]);
  useEffect(() => {
    // Without the list an agent can still type a name; a typo then shows as a queue nobody else is in.
    agentApi.queues().then(setExisting, () => setExisting([]));
  }, []);
  const options = [...new Set([...known, ...remembered(), ...existing, ...added])];
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(remembered().length ? remembered() : known));
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const add = () => {
    const name = typed.trim();
    if (!name) return;
    setAdded((o) => (o.includes(name) ? o : [...o, name]));
    setChosen((c) => new Set(c).add(name));
    setTyped('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const queues = [...chosen];
    if (typed.trim()) queues.push(typed.trim());
    if (!queues.length) return setProblem('Choose at least one queue, or type its name.');
    setProblem(undefined);
    setBusy(true);
    if (await onGo([...new Set(queues)])) localStorage.setItem(rememberedKey, JSON.stringify(queues));
    setBusy(false);
  };

  return (
    <form className="queue-picker" onSubmit={(e) => void submit(e)}>
      <fieldset className="field">
        <legend>Take calls from these queues</legend>
        {options.map((q) => (
          <label key={q} className="check">
            <input
              type="checkbox"
              checked={chosen.has(q)}
              onChange={(e) =>
                setChosen((c) => {
                  const next = new Set(c);
                  if (e.target.checked) next.add(q);
                  else next.delete(q);
                  return next;
                })
              }
            />
            {q}
          </label>
        ))}
        <div className="inline-fields">
          <input
            type="text"
            aria-label="Another queue, by name"
            placeholder="Another queue, e.g. collections"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && typed.trim()) {
                e.preventDefault();
                add();
              }
            }}
          />
          <button type="button" onClick={add} disabled={!typed.trim()}>
            Add
          </button>
        </div>
      </fieldset>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <div className="row-buttons">
        <button type="submit" className="primary" disabled={busy}>
          Go available
        </button>
      </div>
    </form>
  );
}
