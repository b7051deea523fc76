// A run's calls rebuilt from its stored call events, one record per call placed: what every count of calls reads.
import type { JsonText } from '../store/schema.ts';
import { parseJson } from '../store/json.ts';
import type { CallRecord } from './abandonment.ts';

export interface CallOfRun extends CallRecord {
  contactId: string;
  nodeId: string;
  agentId?: string;
  /** The call's exit: connected, machine, no-answer, abandoned, failed; `busy` for a busy line (the no-answer exit). */
  port?: string;
  disposition?: string;
  billableSeconds: number;
  /** What the carrier charged for the call, when it reports it. */
  cost?: number;
  /** Dropped for want of an agent, or hung up on after a machine verdict. */
  dropReason?: string;
  wrapEndAt?: number;
}

export interface CallEventRow {
  contact_id: string | null;
  node_id: string | null;
  type: string;
  time: number;
  data: JsonText<Record<string, unknown>>;
}

/**
 * Builds the calls from `call.*` events given in order per contact and step (by seq, or by time then seq), fed in
 * pages or at once. Calls of one contact at one step never overlap: each `call.placed` starts the next call of the pair.
 */
export class CallLog {
  readonly calls: CallOfRun[] = [];
  private readonly open = new Map<string, CallOfRun>();

  add(row: CallEventRow): void {
    const pair = `${row.contact_id}\u0000${row.node_id}`;
    const at = Number(row.time);
    if (row.type === 'call.placed') {
      const call: CallOfRun = { contactId: row.contact_id ?? '', nodeId: row.node_id ?? '', placedAt: at, billableSeconds: 0 };
      this.calls.push(call);
      this.open.set(pair, call);
      return;
    }
    const call = this.open.get(pair);
    if (!call) return;
    const data = parseJson(row.data);
    switch (row.type) {
      case 'call.answered':
        call.answeredAt = at;
        break;
      case 'call.customerGreetingStart':
        call.greetingStartAt = at;
        break;
      case 'call.customerGreetingStop':
        call.greetingStopAt = at;
        break;
      case 'call.amd':
        call.amdVerdict = data.verdict === 'machine' ? 'machine' : 'human';
        break;
      case 'call.connectedToAgent':
        call.connectedAt = at;
        call.agentId = String(data.agentId);
        break;
      case 'call.abandoned':
        call.dropReason = String(data.reason ?? 'no-agent');
        // The simulated carrier knows who answered: it marks each person the detector took for a machine.
        if (call.dropReason === 'amd-false-positive') call.answeredBy = 'human';
        break;
      case 'call.ended':
        call.endedAt = at;
        call.port = String(data.port ?? '');
        call.billableSeconds = Number(data.billableSeconds ?? 0);
        if (typeof data.disposition === 'string') call.disposition = data.disposition;
        if (typeof data.cost === 'number') call.cost = data.cost;
        call.agentMarkedMachine = call.connectedAt !== undefined && call.port === 'machine';
        // A machine verdict not marked as a person's mistake was a machine (simulated runs, whose carrier knows).
        if (call.amdVerdict === 'machine' && call.connectedAt === undefined) call.answeredBy ??= 'machine';
        if (data.disposition === 'busy') call.port = 'busy';
        break;
      case 'call.dispositioned':
        call.wrapEndAt = at;
        break;
    }
  }
}

/** The calls of `rows` at once (see CallLog). */
export function callsFromEvents(rows: Iterable<CallEventRow>): CallOfRun[] {
  const log = new CallLog();
  for (const row of rows) log.add(row);
  return log.calls;
}
