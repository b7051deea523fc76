// The runtime's handler table: one handler per node kind, checked for completeness by the compiler.
import { branch } from './branch.ts';
import { complianceGate } from './compliance-gate.ts';
import { dialer } from './dialer.ts';
import { email } from './email.ts';
import { end } from './end.ts';
import { sms } from './sms.ts';
import { split } from './split.ts';
import { start } from './start.ts';
import type { HandlerTable } from './types.ts';
import { waitForEvent } from './wait-for-event.ts';
import { wait } from './wait.ts';
import { webhook } from './webhook.ts';

export const handlers: HandlerTable = {
  start,
  'compliance-gate': complianceGate,
  dialer,
  sms,
  email,
  wait,
  'wait-for-event': waitForEvent,
  branch,
  split,
  webhook,
  end,
};
