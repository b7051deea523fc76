// Ending a call: how it went (the journey's dispositions first, or the agent's own words) and optional notes.
import { useId, useState, type FormEvent } from 'react';
import { words } from './CustomerCard.tsx';

export function EndCallForm({ dispositions, onEnd }: { dispositions: string[]; onEnd: (disposition: string, notes: string) => Promise<boolean> }) {
  const id = useId();
  const [choice, setChoice] = useState<string>();
  const [other, setOther] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const disposition = choice === undefined ? '' : choice === '' ? other.trim() : choice;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!disposition) return setProblem('Choose how the call ended, or write it in your own words.');
    setProblem(undefined);
    setBusy(true);
    await onEnd(disposition, notes.trim());
    setBusy(false);
  };

  return (
    <form className="end-call" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>End the call</h3>
      <fieldset className="field">
        <legend>How did the call end?</legend>
        <p className="hint">The journey continues for this customer according to your choice.</p>
        {dispositions.map((d) => (
          <label key={d} className="check">
            <input type="radio" name={`${id}-disposition`} value={d} checked={choice === d} onChange={() => setChoice(d)} />
            {words(d)} <code>{d}</code>
          </label>
        ))}
        <label className="check">
          <input type="radio" name={`${id}-disposition`} value="" checked={choice === ''} onChange={() => setChoice('')} />
          Something else:
          <input
            type="text"
            aria-label="How the call ended, in your words"
            value={other}
            maxLength={60}
            onChange={(e) => {
              setOther(e.target.value);
              setChoice('');
            }}
          />
        </label>
      </fieldset>
      <label className="field">
        <span className="field-title">Notes (optional)</span>
        <textarea rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <div className="row-buttons">
        <button type="submit" className="primary" disabled={busy}>
          End the call
        </button>
      </div>
    </form>
  );
}
