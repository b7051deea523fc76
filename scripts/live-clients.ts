// Child process of the live-monitoring load test: N WebSocket clients follow one run, away from the server's CPU time.
// Prints "ready" once every client has its snapshot, then one JSON line per client when the run has ended.
import { parseArgs } from 'node:util';
import { followRun, maxPerWindow } from '../server/live/follow.ts';

const { values } = parseArgs({
  options: { url: { type: 'string' }, token: { type: 'string' }, run: { type: 'string' }, clients: { type: 'string', default: '20' } },
});
if (!values.url || !values.token || !values.run) throw new Error('live-clients needs --url, --token and --run');
const count = Number(values.clients);
if (!Number.isInteger(count) || count < 1) throw new Error(`--clients must be a positive whole number, not "${values.clients}"`);

const followers = await Promise.all(Array.from({ length: count }, () => followRun(values.url!, values.token!, values.run!)));
while (followers.some((f) => !f.state())) await new Promise((resolve) => setTimeout(resolve, 5));
process.stdout.write('ready\n');
await Promise.all(followers.map((f) => f.ended));
for (const f of followers) {
  const times = f.received.map((r) => r.at);
  process.stdout.write(
    `${JSON.stringify({
      messages: f.received.length,
      snapshots: f.received.filter((r) => r.message.type === 'snapshot').length,
      maxPerSecond: maxPerWindow(times),
      final: f.state(),
    })}\n`,
  );
  f.close();
}
