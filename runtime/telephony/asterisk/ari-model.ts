// The parts of ARI's models (Swagger 1.2, `channels.json`, `bridges.json`, `playbacks.json`, `events.json`) this
// carrier reads, as Zod schemas: what Asterisk sends is checked at the edge, and extra fields pass.
import { z } from 'zod';

export const channelStates = ['Down', 'Rsrved', 'OffHook', 'Dialing', 'Ring', 'Ringing', 'Up', 'Busy', 'Dialing Offhook', 'Pre-ring', 'Unknown'] as const;

export const channelSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.enum(channelStates),
  dialplan: z.looseObject({ context: z.string(), exten: z.string(), priority: z.number(), app_name: z.string(), app_data: z.string() }).optional(),
  creationtime: z.string(),
});
export type Channel = z.infer<typeof channelSchema>;

export const playbackSchema = z.looseObject({
  id: z.string(),
  media_uri: z.string(),
  target_uri: z.string(),
  state: z.enum(['queued', 'playing', 'continuing', 'done', 'failed']),
});
export type Playback = z.infer<typeof playbackSchema>;

export const bridgeSchema = z.looseObject({ id: z.string(), bridge_type: z.enum(['mixing', 'holding']), channels: z.array(z.string()) });
export type Bridge = z.infer<typeof bridgeSchema>;

export const variableSchema = z.object({ value: z.string() });

/** Every event has these (`Message`, `Event`); `timestamp` is Asterisk's clock, `2026-12-03T16:27:44.123+0000`. */
const event = { application: z.string(), timestamp: z.string().refine((t) => Number.isFinite(Date.parse(t)), 'must be a date') };

/** The events the carrier acts on. Others (`ChannelVarset`, `ChannelDialplan`, ...) are skipped unread. */
export const ariEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('StasisStart'), ...event, args: z.array(z.string()), channel: channelSchema }),
  z.looseObject({ type: z.literal('StasisEnd'), ...event, channel: channelSchema }),
  z.looseObject({ type: z.literal('ChannelCreated'), ...event, channel: channelSchema }),
  z.looseObject({ type: z.literal('ChannelStateChange'), ...event, channel: channelSchema }),
  z.looseObject({ type: z.literal('ChannelDestroyed'), ...event, cause: z.number().int(), cause_txt: z.string(), channel: channelSchema }),
  z.looseObject({
    type: z.literal('ChannelHangupRequest'),
    ...event,
    cause: z.number().int().optional(),
    soft: z.boolean().optional(),
    channel: channelSchema,
  }),
  z.looseObject({ type: z.literal('ChannelDtmfReceived'), ...event, digit: z.string(), duration_ms: z.number(), channel: channelSchema }),
  z.looseObject({ type: z.literal('ChannelEnteredBridge'), ...event, bridge: bridgeSchema, channel: channelSchema }),
  z.looseObject({ type: z.literal('PlaybackStarted'), ...event, playback: playbackSchema }),
  z.looseObject({ type: z.literal('PlaybackFinished'), ...event, playback: playbackSchema }),
]);
export type AriEvent = z.infer<typeof ariEventSchema>;
export const ariEventTypes = new Set<string>(ariEventSchema.options.map((o) => o.shape.type.value));
