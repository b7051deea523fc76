// A large, valid journey for measuring the editor: waves of reminders by text, email and predictive call, each behind
// its compliance gate, with A/B splits, waits for a click, a branch on the call's result and a CRM update.
import { formatJourney } from '../schemas/format.ts';
import { validateJourney } from '../schemas/validate.ts';

type Step = { type: string; label: string; position: { x: number; y: number }; config: Record<string, unknown>; next?: Record<string, string> };

/** Steps outside the waves: start, the account lookup, the eligibility branch and its two ends, the welcome email pair, the last end. */
const fixedSteps = 8;
const stepsPerWave = 12;
const column = 280;
const row = 200;
/** Waves are laid out in a square grid of blocks, so that the whole journey is about as wide as it is tall. */
const blockWidth = 6 * column;
const blockHeight = 4 * row;

export function largeJourneyStepCount(waves: number): number {
  return fixedSteps + stepsPerWave * waves;
}

/** A journey of `8 + 12 × waves` steps (16 waves: 200) that validates without errors, in canonical form. */
export function largeJourney(waves = 16): { text: string; journey: Record<string, unknown> } {
  if (!Number.isInteger(waves) || waves < 1) throw new Error(`The number of waves must be a positive whole number, not ${waves}.`);
  const nodes: Record<string, Step> = {};
  const perRow = Math.ceil(Math.sqrt(waves + 1));
  const at = (block: number, col: number, line: number) => ({
    x: (block % perRow) * blockWidth + col * column,
    y: Math.floor(block / perRow) * blockHeight + line * row,
  });
  const wave = (n: number) => `w${String(n).padStart(2, '0')}`;

  nodes.start = { type: 'start', label: 'Accounts in arrears', position: at(0, 0, 0), config: { audience: { list: 'arrears' } }, next: { out: 'lookup' } };
  nodes.lookup = {
    type: 'webhook',
    label: 'Read the account from the CRM',
    position: at(0, 1, 0),
    config: { url: 'https://crm.example.com/api/accounts/{{ contact.externalId }}', method: 'GET', timeoutMs: 5000, saveAs: 'account' },
    next: { ok: 'eligible', error: 'lookup-failed' },
  };
  nodes['lookup-failed'] = { type: 'end', label: 'CRM not reachable', position: at(0, 1, 1), config: { outcome: 'lookup-failed' } };
  nodes.eligible = {
    type: 'branch',
    label: 'Still owes money?',
    position: at(0, 2, 0),
    config: { rules: [{ port: 'owes', label: 'Owes money', conditions: [{ field: 'attributes.balance', op: 'greater-than', value: 0 }] }] },
    next: { owes: 'welcome-gate', else: 'settled' },
  };
  nodes.settled = { type: 'end', label: 'Already settled', position: at(0, 2, 1), config: { outcome: 'settled' } };
  nodes['welcome-gate'] = {
    type: 'compliance-gate',
    label: 'Emailing allowed?',
    position: at(0, 3, 0),
    config: { channel: 'email', outsideHours: 'defer' },
    next: { allowed: 'welcome', blocked: `${wave(1)}-split` },
  };
  nodes.welcome = {
    type: 'email',
    label: 'Email: your account is overdue',
    position: at(0, 4, 0),
    config: {
      subject: 'Your account {{ contact.externalId }} is overdue',
      text: 'Hi {{ contact.firstName }}, your balance is ${{ attributes.balance }}. We will be in touch.',
    },
    next: { sent: `${wave(1)}-split`, failed: `${wave(1)}-split` },
  };

  for (let n = 1; n <= waves; n++) {
    const w = wave(n);
    const id = (name: string) => `${w}-${name}`;
    const after = n < waves ? `${wave(n + 1)}-split` : 'done';
    const put = (name: string, col: number, line: number, step: Omit<Step, 'position'>) => {
      nodes[id(name)] = { ...step, position: at(n, col, line) };
    };
    put('split', 0, 1, {
      type: 'split',
      label: `Reminder ${n}: text or email first`,
      config: {
        branches: [
          { port: 'text-first', percent: 70 },
          { port: 'email-first', percent: 30 },
        ],
      },
      next: { 'text-first': id('sms-gate'), 'email-first': id('email-gate') },
    });
    put('sms-gate', 1, 0, {
      type: 'compliance-gate',
      label: 'Texting allowed?',
      config: { channel: 'sms', outsideHours: 'defer' },
      next: { allowed: id('sms'), blocked: id('call-gate') },
    });
    put('sms', 2, 0, {
      type: 'sms',
      label: `Text reminder ${n}`,
      config: {
        body: `Hi {{ contact.firstName }}, reminder ${n}: your balance of \${{ attributes.balance }} is overdue. Pay at {{ links.pay }} Reply STOP to opt out.`,
        links: { pay: 'https://pay.example.com/pay' },
      },
      next: { sent: id('click'), failed: id('call-gate') },
    });
    put('click', 3, 0, {
      type: 'wait-for-event',
      label: 'Paid by the link?',
      config: { event: 'link.clicked', timeout: 'P1D' },
      next: { event: id('crm'), timeout: id('call-gate') },
    });
    put('email-gate', 1, 2, {
      type: 'compliance-gate',
      label: 'Emailing allowed?',
      config: { channel: 'email', outsideHours: 'defer' },
      next: { allowed: id('email'), blocked: id('call-gate') },
    });
    put('email', 2, 2, {
      type: 'email',
      label: `Email reminder ${n}`,
      config: {
        subject: `Reminder ${n}: a payment of \${{ attributes.balance }} is due`,
        text: 'Hi {{ contact.firstName }}, please pay ${{ attributes.balance }} or call us on 202-555-0143.',
      },
      next: { sent: id('call-gate'), failed: id('call-gate') },
    });
    put('call-gate', 4, 1, {
      type: 'compliance-gate',
      label: 'Calling allowed?',
      config: { channel: 'voice', outsideHours: 'defer' },
      next: { allowed: id('call'), blocked: id('wait') },
    });
    put('call', 5, 1, {
      type: 'dialer',
      label: `Collections call ${n}`,
      config: {
        mode: n % 3 === 0 ? 'progressive' : 'predictive',
        queue: 'collections',
        script: 'Confirm you are speaking to {{ contact.firstName }} {{ contact.lastName }}, then ask about the ${{ attributes.balance }} overdue.',
        amd: { enabled: true, onMachine: 'hangup' },
        ringSeconds: 20,
        callerId: '+12025550143',
      },
      next: { connected: id('result'), machine: id('wait'), 'no-answer': id('wait'), abandoned: id('wait'), failed: id('crm') },
    });
    put('result', 5, 2, {
      type: 'branch',
      label: 'How did the call end?',
      config: { rules: [{ port: 'paid', label: 'Paid', conditions: [{ field: 'lastCall.disposition', op: 'equals', value: 'paid' }] }] },
      next: { paid: id('paid'), else: id('crm') },
    });
    put('paid', 5, 3, { type: 'end', label: 'Paid', config: { outcome: 'paid' } });
    put('crm', 4, 3, {
      type: 'webhook',
      label: 'Record the attempt in the CRM',
      config: {
        url: 'https://crm.example.com/api/attempts',
        method: 'POST',
        body: `{ "contact": {{ contact.id | json }}, "wave": ${n} }`,
        timeoutMs: 5000,
      },
      next: { ok: id('wait'), error: id('wait') },
    });
    put('wait', 3, 3, { type: 'wait', label: 'Give them two days', config: { duration: 'P2D' }, next: { out: after } });
  }
  nodes.done = { type: 'end', label: 'No payment after every reminder', position: at(waves + 1, 0, 1), config: { outcome: 'unpaid' } };

  const journey = {
    schemaVersion: 1,
    id: 'large-arrears',
    name: `Arrears reminders in ${waves} waves`,
    description: 'A large journey for measuring the editor: text, email and call reminders behind compliance gates.',
    settings: { timezone: 'America/Chicago', compliance: 'US', helpContact: 'call 0800 123 456' },
    nodes,
  };
  const errors = validateJourney(journey).problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`The generated journey has errors: ${errors.map((e) => `${e.nodeId ?? ''} ${e.path}: ${e.message}`).join('; ')}`);
  const text = formatJourney(journey);
  return { text, journey: JSON.parse(text) as Record<string, unknown> };
}
