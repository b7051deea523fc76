// "Try a contact" in a compliance gate's settings: asks the server whether a number may be reached at a moment, and why not.
import { DateTime } from 'luxon';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { errorText } from '../app/confirmed-action.ts';
import type { FileNode, JourneyFile } from '../model/document.ts';
import { complianceApi, type Channel, type ComplianceCheckResult } from './compliance-api.ts';
import './compliance.css';

const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

const sourceWords: Record<string, string> = {
  timezone: 'the time zone entered',
  'postal-code': 'the postal code',
  state: 'the state',
  phone: 'the phone number’s prefix',
  journey: 'the journey’s time zone (nothing about the contact tells its own)',
};

const channelWords: Record<Channel, { action: string; noun: string }> = {
  voice: { action: 'call', noun: 'A call' },
  sms: { action: 'text', noun: 'A text message' },
  email: { action: 'email', noun: 'An email' },
};

interface Answer {
  result: ComplianceCheckResult;
  /** The moment checked, ISO 8601. */
  at: string;
  /** The zone the moment was read in and is shown in. */
  zone: string;
  asked: string;
}

function inZone(iso: string, zone: string): string {
  const t = DateTime.fromISO(iso).setZone(zone);
  return t.isValid ? `${t.toFormat('cccc d LLLL yyyy, HH:mm')} (${t.toFormat('ZZZZ')})` : iso;
}

export function GatePreview({ node, doc }: { node: FileNode; doc: JourneyFile }) {
  const id = useId();
  const channel = ((node.config.channel as string | undefined) ?? 'voice') as Channel;
  const profile = (node.config.profile as string | undefined) || doc.settings.compliance || '';
  const journeyZone = doc.settings.timezone || 'UTC';
  const outsideHours = (node.config.outsideHours as string | undefined) ?? 'defer';
  const [address, setAddress] = useState('');
  const [state, setState] = useState('');
  const [timezone, setTimezone] = useState('');
  const [when, setWhen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [answer, setAnswer] = useState<Answer>();

  // A changed channel or set of rules makes the last answer stale.
  useEffect(() => {
    setAnswer(undefined);
    setError(undefined);
  }, [channel, profile]);

  const usesEmail = channel === 'email';

  const check = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!profile) return;
    if (!address.trim()) {
      setError(usesEmail ? 'Enter an email address to try.' : 'Enter a phone number to try, for example +12125550100.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const base = {
        profile,
        channel,
        ...(usesEmail ? { email: address.trim() } : { phone: address.trim() }),
        ...(state.trim() && { state: state.trim().toUpperCase() }),
        ...(timezone.trim() && { timezone: timezone.trim() }),
      };
      const now = new Date().toISOString();
      let at = now;
      let zone = timezone.trim();
      if (when) {
        // The moment is read in the contact's own zone: the one entered, else the one the server finds for the number.
        if (!zone) {
          const first = await complianceApi.check({ ...base, at: now });
          zone = first.timezones[0] ?? journeyZone;
        }
        const local = DateTime.fromISO(when, { zone });
        if (!local.isValid) throw new Error(`“${when}” is not a date and time in ${zone}.`);
        at = local.toISO({ suppressMilliseconds: true }) ?? now;
      }
      const result = await complianceApi.check({ ...base, at });
      setAnswer({ result, at, zone: result.timezones[0] ?? (zone || journeyZone), asked: address.trim() });
    } catch (err) {
      setAnswer(undefined);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="gate-preview" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Try a contact</h3>
      {!profile ? (
        <p className="hint">Choose the rules above, or in the journey’s settings, to try a contact against them.</p>
      ) : (
        <>
          <p className="help">
            Would this gate let a {channelWords[channel].action} through under the {profile} rules? Hours, public holidays and the do-not-contact list are
            checked here; consent and how often the contact was reached are checked when the journey runs.
          </p>
          <form onSubmit={(e) => void check(e)} className="gate-preview-form">
            <div className="field">
              <label htmlFor={`${id}-address`} className="field-title">
                {usesEmail ? 'Email address' : 'Phone number'}
              </label>
              <input
                id={`${id}-address`}
                type={usesEmail ? 'text' : 'tel'}
                inputMode={usesEmail ? 'email' : 'tel'}
                value={address}
                placeholder={usesEmail ? 'name@example.com' : '+12125550100'}
                autoComplete="off"
                onChange={(e) => setAddress(e.target.value)}
              />
            </div>
            <div className="gate-preview-pair">
              <div className="field">
                <label htmlFor={`${id}-state`} className="field-title">
                  State
                </label>
                <input
                  id={`${id}-state`}
                  type="text"
                  value={state}
                  placeholder="FL"
                  maxLength={8}
                  aria-describedby={`${id}-place-help`}
                  onChange={(e) => setState(e.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-zone`} className="field-title">
                  Time zone
                </label>
                <input
                  id={`${id}-zone`}
                  type="text"
                  list={`${id}-zones`}
                  value={timezone}
                  placeholder="America/Chicago"
                  aria-describedby={`${id}-place-help`}
                  onChange={(e) => setTimezone(e.target.value)}
                />
                <datalist id={`${id}-zones`}>
                  {zones.map((zone) => (
                    <option key={zone} value={zone} />
                  ))}
                </datalist>
              </div>
            </div>
            <span className="help" id={`${id}-place-help`}>
              Both optional. Without them, the number’s area code tells where the contact is.
            </span>
            <div className="field">
              <label htmlFor={`${id}-when`} className="field-title">
                When, in the contact’s time
              </label>
              <span className="help" id={`${id}-when-help`}>
                Leave empty to check right now.
              </span>
              <span className="inline-fields">
                <input id={`${id}-when`} type="datetime-local" aria-describedby={`${id}-when-help`} value={when} onChange={(e) => setWhen(e.target.value)} />
                {when && (
                  <button type="button" className="small" onClick={() => setWhen('')}>
                    Now
                  </button>
                )}
              </span>
            </div>
            <div className="row-buttons">
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Checking…' : 'Check'}
              </button>
            </div>
          </form>
          <div role="status" aria-live="polite" className="gate-preview-answer">
            {error && <p className="field-error">{error}</p>}
            {answer && <AnswerView answer={answer} channel={channel} outsideHours={outsideHours} />}
          </div>
        </>
      )}
    </section>
  );
}

function AnswerView({ answer, channel, outsideHours }: { answer: Answer; channel: Channel; outsideHours: string }) {
  const { result, at, zone } = answer;
  const words = channelWords[channel];
  return (
    <div className={`gate-answer ${result.allowed ? 'is-allowed' : 'is-refused'}`} data-allowed={String(result.allowed)}>
      <p className="gate-verdict">
        <span aria-hidden="true" className="gate-verdict-mark">
          {result.allowed ? '✓' : '✕'}
        </span>
        {result.allowed
          ? `Allowed: ${words.noun.toLowerCase()} to ${answer.asked} may go at that moment.`
          : `Not allowed: ${words.noun.toLowerCase()} to ${answer.asked} may not go at that moment.`}
      </p>
      <p className="gate-line">Checked for {inZone(at, zone)} in the contact’s time.</p>
      {result.reasons.length > 0 && (
        <ul className="gate-reasons">
          {result.reasons.map((reason, i) => (
            <li key={i}>
              {reason.message}
              {reason.action === 'block' || outsideHours === 'block' ? ' This gate sends the contact out by “Blocked”.' : ''}
            </li>
          ))}
        </ul>
      )}
      {!result.allowed && (
        <p className="gate-line" data-next-allowed={result.nextAllowedAt ?? ''}>
          {result.nextAllowedAt ? (
            <>
              Next allowed: <strong>{inZone(result.nextAllowedAt, zone)}</strong>, the contact’s time.
            </>
          ) : (
            'No later moment is allowed: the contact cannot be reached this way.'
          )}
        </p>
      )}
      <p className="gate-line hint">
        {result.timezones.length > 1
          ? `Time zones used: ${result.timezones.join(', ')}, from ${sourceWords[result.timezoneSource] ?? result.timezoneSource}. The number could be in any of them, so only hours allowed in all of them count.`
          : `Time zone used: ${result.timezones[0] ?? zone}, from ${sourceWords[result.timezoneSource] ?? result.timezoneSource}.`}
        {result.region && ` Region: ${result.region}.`}
      </p>
    </div>
  );
}
