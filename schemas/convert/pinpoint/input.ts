// What the converter reads: a Pinpoint journey as GetJourney returns it (or CreateJourney's WriteJourneyRequest) and
// its message templates as GetSmsTemplate, GetEmailTemplate and GetVoiceTemplate return them. The shapes are the
// AWS SDK's; the checks below cover the fields the conversion reads, so that a wrong file is named plainly.
import type {
  Activity,
  EmailTemplateResponse,
  JourneyResponse,
  SMSTemplateResponse,
  VoiceTemplateResponse,
  WriteJourneyRequest,
} from '@aws-sdk/client-pinpoint';
import { z } from 'zod';
import { plainIssues } from '../../issue-messages.ts';
import { jsonPointer } from '../../problems.ts';

/**
 * A journey as its JSON reads. The SDK types the schedule's times as `Date` (its client parses them); the API's JSON,
 * and so `aws pinpoint get-journey`, has them as ISO 8601 text.
 */
export type PinpointJourney = Omit<JourneyResponse & WriteJourneyRequest, 'Schedule' | 'ApplicationId' | 'Id'> & {
  ApplicationId?: string;
  Id?: string;
  Schedule?: { StartTime?: string; EndTime?: string; Timezone?: string };
};
export type PinpointActivity = Activity;

export type PinpointTemplate =
  | ({ TemplateType: 'SMS' } & Omit<SMSTemplateResponse, 'TemplateType'>)
  | ({ TemplateType: 'EMAIL' } & Omit<EmailTemplateResponse, 'TemplateType'>)
  | ({ TemplateType: 'VOICE' } & Omit<VoiceTemplateResponse, 'TemplateType'>);

/** The kinds of activity a journey has, as the keys of an Activity that hold their settings. */
export const activityKinds = [
  'SMS',
  'EMAIL',
  'PUSH',
  'CUSTOM',
  'ContactCenter',
  'Wait',
  'ConditionalSplit',
  'MultiCondition',
  'RandomSplit',
  'Holdout',
] as const;
export type ActivityKind = (typeof activityKinds)[number];

/** A mistake in the input: where it is (a file, a JSON pointer, an activity) and what is wrong. */
export interface InputProblem {
  /** JSON pointer into the journey file, e.g. `/Activities/a1/SMS/NextActivity`. */
  path: string;
  activity?: string;
  message: string;
}

const text = z.string({ error: 'should be text' });
const optionalText = text.optional();
const waitTime = z.looseObject({ WaitFor: optionalText, WaitUntil: optionalText });
const attributeDimension = z.looseObject({ AttributeType: optionalText, Values: z.array(text, { error: 'should be a list of values' }) });
const setDimension = z.looseObject({ DimensionType: optionalText, Values: z.array(text, { error: 'should be a list of values' }) });
const simpleCondition = z.looseObject({
  EventCondition: z.looseObject({ Dimensions: z.looseObject({ EventType: setDimension.optional() }).optional(), MessageActivity: optionalText }).optional(),
  SegmentCondition: z.looseObject({ SegmentId: text }).optional(),
  SegmentDimensions: z
    .looseObject({
      Attributes: z.record(z.string(), attributeDimension).optional(),
      UserAttributes: z.record(z.string(), attributeDimension).optional(),
    })
    .optional(),
});
const next = { NextActivity: optionalText };
const template = { TemplateName: optionalText, TemplateVersion: optionalText };

const activity = z.looseObject({
  Description: optionalText,
  SMS: z.looseObject({ ...next, ...template, MessageConfig: z.looseObject({ OriginationNumber: optionalText, SenderId: optionalText }).optional() }).optional(),
  EMAIL: z.looseObject({ ...next, ...template, MessageConfig: z.looseObject({ FromAddress: optionalText }).optional() }).optional(),
  PUSH: z.looseObject({ ...next, ...template }).optional(),
  CUSTOM: z.looseObject({ ...next, ...template, DeliveryUri: optionalText, MessageConfig: z.looseObject({ Data: optionalText }).optional() }).optional(),
  ContactCenter: z.looseObject(next).optional(),
  Wait: z.looseObject({ ...next, WaitTime: waitTime.optional() }).optional(),
  ConditionalSplit: z
    .looseObject({
      Condition: z
        .looseObject({ Conditions: z.array(simpleCondition).optional(), Operator: z.enum(['ALL', 'ANY'], { error: 'should be ALL or ANY' }).optional() })
        .optional(),
      EvaluationWaitTime: waitTime.optional(),
      TrueActivity: optionalText,
      FalseActivity: optionalText,
    })
    .optional(),
  MultiCondition: z
    .looseObject({
      Branches: z.array(z.looseObject({ Condition: simpleCondition.optional(), ...next })).optional(),
      DefaultActivity: optionalText,
      EvaluationWaitTime: waitTime.optional(),
    })
    .optional(),
  RandomSplit: z
    .looseObject({ Branches: z.array(z.looseObject({ ...next, Percentage: z.number({ error: 'should be a number' }).optional() })).optional() })
    .optional(),
  Holdout: z.looseObject({ ...next, Percentage: z.number({ error: 'should be a number' }) }).optional(),
});

const journey = z.looseObject({
  Name: z.string({ error: 'should be the journey’s name' }),
  Id: optionalText,
  StartActivity: optionalText,
  Activities: z.record(z.string(), activity, { error: 'should be a map of activity ids to activities' }).optional(),
  Schedule: z.looseObject({ StartTime: optionalText, EndTime: optionalText, Timezone: optionalText }).optional(),
  Limits: z.looseObject({}).optional(),
  QuietTime: z.looseObject({ Start: optionalText, End: optionalText }).optional(),
  StartCondition: z
    .looseObject({
      EventStartCondition: z.looseObject({ SegmentId: optionalText, EventFilter: z.looseObject({}).optional() }).optional(),
      SegmentStartCondition: z.looseObject({ SegmentId: text }).optional(),
    })
    .optional(),
  JourneyChannelSettings: z.looseObject({ ConnectCampaignArn: optionalText }).optional(),
});

/**
 * Reads a parsed journey file: a JourneyResponse with or without its outer `JourneyResponse` key, or a CreateJourney
 * request with its `WriteJourneyRequest`. Every problem is returned, each with its JSON pointer.
 */
export function readPinpointJourney(value: unknown): { journey: PinpointJourney; pointer: string[] } | { problems: InputProblem[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problems: [{ path: '', message: 'The file is not a Pinpoint journey: it should be a JSON object, as `aws pinpoint get-journey` prints it' }] };
  }
  const outer = value as Record<string, unknown>;
  const pointer = 'JourneyResponse' in outer ? ['JourneyResponse'] : 'WriteJourneyRequest' in outer ? ['WriteJourneyRequest'] : [];
  const inner = pointer.length ? outer[pointer[0]!] : outer;
  if (typeof inner !== 'object' || inner === null || !('Activities' in inner || 'StartActivity' in inner || 'Name' in inner)) {
    return {
      problems: [{ path: jsonPointer(pointer), message: 'The file is not a Pinpoint journey: it has no Name, StartActivity or Activities' }],
    };
  }
  const parsed = journey.safeParse(inner, { error: plainIssues });
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        const path = [...pointer, ...issue.path];
        const activity = issue.path[0] === 'Activities' && typeof issue.path[1] === 'string' ? issue.path[1] : undefined;
        return { path: jsonPointer(path), ...(activity && { activity }), message: `${issue.path.map(String).join('.') || 'The journey'} ${issue.message}` };
      }),
    };
  }
  return { journey: parsed.data as unknown as PinpointJourney, pointer };
}

const templateKeys = { SMSTemplateResponse: 'SMS', EmailTemplateResponse: 'EMAIL', VoiceTemplateResponse: 'VOICE' } as const;

const templateBody = z.looseObject({
  TemplateName: optionalText,
  TemplateType: z.enum(['SMS', 'EMAIL', 'VOICE'], { error: 'should be SMS, EMAIL or VOICE' }).optional(),
  Body: optionalText,
  Subject: optionalText,
  HtmlPart: optionalText,
  TextPart: optionalText,
  DefaultSubstitutions: optionalText,
});

/**
 * Reads a template file: the output of `aws pinpoint get-sms-template` (`{ "SMSTemplateResponse": { ... } }`), of
 * get-email-template or get-voice-template, or the response object alone with its TemplateType.
 */
export function readPinpointTemplate(value: unknown): { template: PinpointTemplate } | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'is not a Pinpoint template: it should be a JSON object' };
  const outer = value as Record<string, unknown>;
  const key = (Object.keys(templateKeys) as (keyof typeof templateKeys)[]).find((k) => k in outer);
  const inner = key ? outer[key] : outer;
  const parsed = templateBody.safeParse(inner, { error: plainIssues });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${[key, ...issue.path].filter(Boolean).join('.')} ${issue.message}` };
  }
  const type = key ? templateKeys[key] : parsed.data.TemplateType;
  if (!type)
    return { problem: 'is not a Pinpoint template: it has no SMSTemplateResponse, EmailTemplateResponse or VoiceTemplateResponse, nor a TemplateType' };
  return { template: { ...parsed.data, TemplateType: type } as PinpointTemplate };
}

/** The kind of an activity: the one key of it that holds settings, or a problem when it has none or several. */
export function kindOf(activity: PinpointActivity): ActivityKind | { problem: string } {
  const kinds = activityKinds.filter((k) => activity[k] !== undefined && activity[k] !== null);
  if (kinds.length === 1) return kinds[0]!;
  if (kinds.length === 0) return { problem: `has no settings of a kind the converter knows (${activityKinds.join(', ')})` };
  return { problem: `has the settings of ${kinds.length} kinds of activity (${kinds.join(', ')}); an activity is one kind` };
}
