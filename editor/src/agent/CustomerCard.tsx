// The customer on the line: who they are and what the journey knows of them, with the script rendered for them.
import type { AgentCall } from './agent-api.ts';

const fieldWords: [keyof AgentCall['contact'], string][] = [
  ['phone', 'Phone'],
  ['email', 'Email'],
  ['externalId', 'Account'],
  ['timezone', 'Time zone'],
  ['state', 'State'],
  ['postalCode', 'Postal code'],
];

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `amountDue` reads as "Amount due": attribute names are written for machines, the card is read by a person. */
export function words(name: string): string {
  const spaced = name
    .replace(/[-_]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function CustomerCard({ call }: { call: AgentCall }) {
  const c = call.contact;
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ') || 'Name not known';
  const attributes = Object.entries(c.attributes ?? {});
  return (
    <div className="call-grid">
      <section className="customer" aria-labelledby="customer-name">
        <h3 id="customer-name">{name}</h3>
        <dl className="customer-fields">
          {fieldWords.map(([key, label]) => (
            <div key={key}>
              <dt>{label}</dt>
              <dd>{show(c[key])}</dd>
            </div>
          ))}
          {attributes.map(([key, value]) => (
            <div key={key} data-attribute={key}>
              <dt>{words(key)}</dt>
              <dd>{show(value)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="script" aria-labelledby="script-title">
        <h3 id="script-title">Script</h3>
        <div className="script-text" data-script>
          {call.script || 'This step has no script.'}
        </div>
      </section>
    </div>
  );
}
