// Pinpoint's message variables and time zones as this product writes them.
import { describe, expect, it } from 'vitest';
import { checkTemplate } from '../../templates.ts';
import { messageEventOf } from './convert.ts';
import { ianaZoneOf } from './time-zones.ts';
import { rewriteVariables } from './variables.ts';

describe('rewriteVariables', () => {
  it('maps user and endpoint attributes to contact fields and attributes, with defaults', () => {
    const result = rewriteVariables('Hi {{User.UserAttributes.FirstName}}, {{Attributes.Plan}} for {{Address}}', 'sms', {
      'User.UserAttributes.FirstName': 'there',
    });
    expect(result.text).toBe('Hi {{ contact.firstName | default: "there" }}, {{ attributes.Plan }} for {{ contact.phone }}');
    expect(result.attributes).toEqual(['Plan']);
    expect(result.unmapped).toEqual([]);
    expect(checkTemplate(result.text).syntaxError).toBeUndefined();
  });

  it('turns #if blocks into Liquid and lists what has no field, in brackets', () => {
    const result = rewriteVariables('{{#if Attributes.Vip}}VIP{{else}}Hello{{/if}} from {{Location.City}} {{#each Items}}x{{/each}}', 'email');
    expect(result.text).toBe('{% if attributes.Vip %}VIP{% else %}Hello{% endif %} from [Location.City] [#each Items]x[/each]');
    expect(result.unmapped).toEqual(['Location.City', '#each Items', '/each']);
    expect(checkTemplate(result.text).syntaxError).toBeUndefined();
  });

  it('writes attribute names Liquid cannot follow a dot with in brackets', () => {
    expect(rewriteVariables('{{User.UserAttributes.plan-type}}', 'sms').text).toBe('{{ attributes["plan-type"] }}');
  });
});

describe('Pinpoint time zones and events', () => {
  it('names the IANA zone of each offset, the other way round for Etc/ zones', () => {
    expect(ianaZoneOf('UTC-05')).toBe('Etc/GMT+5');
    expect(ianaZoneOf('UTC+10')).toBe('Etc/GMT-10');
    expect(ianaZoneOf('UTC+05:30')).toBe('Asia/Kolkata');
    expect(ianaZoneOf('UTC')).toBe('UTC');
    expect(ianaZoneOf('EST')).toBeUndefined();
  });

  it('reads every spelling of the message events', () => {
    expect(['EMAIL_OPEN', '_email.open', 'EMAIL_OPENED'].map(messageEventOf)).toEqual(['opened', 'opened', 'opened']);
    expect(['_SMS.CLICK', 'EMAIL_CLICKED'].map(messageEventOf)).toEqual(['clicked', 'clicked']);
    expect(['SMS_DELIVERED', '_email.delivered', '_SMS.SUCCESS'].map(messageEventOf)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(messageEventOf('_email.hardbounce')).toBeUndefined();
  });
});
