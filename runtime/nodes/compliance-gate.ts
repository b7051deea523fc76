// `compliance-gate`: asks the compliance rules whether this contact may be reached on this channel now.
import type { NodeHandler } from './types.ts';

export const complianceGate: NodeHandler<'compliance-gate'> = {
  enter: ({ node, journey, contact, now, services }) => {
    const decision = services.checkGate({
      channel: node.config.channel,
      profile: node.config.profile ?? journey.settings.compliance,
      ...(journey.settings.countries && { countries: journey.settings.countries }),
      checks: node.config.checks,
      outsideHours: node.config.outsideHours,
      contact,
      defaultTimezone: journey.settings.timezone,
      now,
    });
    if (decision.allowed) return { type: 'exit', port: 'allowed' };
    const data = { reason: decision.reason, rule: decision.rule, timezone: decision.timezone, timezones: decision.timezones };
    if (decision.action === 'defer') {
      return {
        type: 'retry',
        at: decision.until,
        events: [{ type: 'compliance.deferred', data: { ...data, nextAllowedAt: new Date(decision.until).toISOString() } }],
      };
    }
    return { type: 'exit', port: 'blocked', events: [{ type: 'compliance.blocked', data }] };
  },
};
