// `npm run bench:live -- [--contacts N] [--clients N] [--rounds N] [--json]`: live monitoring under load. Clients
// follow a simulated run over WebSocket; it checks that each gets at most ten messages a second, that the state they
// build equals the run's final metrics, and how much slower the run goes than the same run with nobody watching.
import { parseArgs } from 'node:util';
import { measureLiveLoad } from './live-load.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    json: { type: 'boolean' },
  },
});
const whole = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, not "${text}"`);
  return n;
};
const result = await measureLiveLoad({
  contacts: whole('contacts', values.contacts),
  clients: whole('clients', values.clients),
  rounds: whole('rounds', values.rounds),
  log: (line) => process.stderr.write(`${line}\n`),
});
const targets = { maxMessagesPerSecondPerClient: 10, throughputDrop: 0.1 };
const met =
  result.maxMessagesPerSecondPerClient <= targets.maxMessagesPerSecondPerClient && result.throughputDrop < targets.throughputDrop && result.finalStateMatches;
console.log(values.json ? JSON.stringify({ ...result, targets, met }) : { ...result, targets, met });
process.exitCode = met ? 0 : 1;
