// VICIdial's adaptive pacing (dial method ADAPT_AVERAGE) re-implemented as the open-source baseline of the benchmark.
//
// As in AST_VDadapt.pl and AST_VDauto_dial.pl (VICIdial 2.14):
// - every second the dialer aims at round(dial level × agents) calls in progress, counting agents talking or ready
//   (available_only_ratio_tally N; agents in their disposition screen are paused and do not count) and calls sent,
//   ringing, waiting in the queue or connected to agents, and places the difference;
// - every second it samples ready agents and calls waiting in the queue; every 15 seconds the differential
//   (average ready agents - average waiting calls over the last 15 samples) divided by the average agents logged in
//   scales the dial level: level × (1 + differential / agents), with adaptive intensity 0 and dl_diff_target 0;
// - the level is capped at adaptive_maximum_level (3.0 by default) and floored at 1.0; it is halved when more than
//   20 calls were placed in the last minute and more than 50 % of them were dropped, and (ADAPT_AVERAGE) halved when
//   more than 50 calls were placed today and drops are over adaptive_dropped_percentage of answers today;
// - a live call waits in the queue `drop_call_seconds` (2 here) from the moment it reaches it, then is dropped.
import type { CallObservation, PacingPolicy, PacingSnapshot } from '../../runtime/dialer/pacing.ts';

export interface VicidialSettings {
  /** adaptive_dropped_percentage. */
  droppedPercentage: number;
  /** adaptive_maximum_level. */
  maximumLevel: number;
  /** auto_dial_level when the shift starts. */
  startLevel: number;
  /** drop_call_seconds, in milliseconds. */
  dropAfterMs: number;
}

export const defaultVicidialSettings: VicidialSettings = { droppedPercentage: 3, maximumLevel: 3, startLevel: 1, dropAfterMs: 2000 };

export class VicidialPolicy implements PacingPolicy {
  readonly name = 'vicidial';
  readonly reservesAgents = false;
  private level: number;
  private readonly ready: number[] = [];
  private readonly waiting: number[] = [];
  private readonly total: number[] = [];
  /** AST_VDadapt.pl adapts 15 seconds after it starts, then every 15 seconds. */
  private lastAdapt: number | undefined;
  /** Times of the calls placed, and of the drops, for the one-minute figures. */
  private readonly placedTimes: number[] = [];
  private readonly dropTimes: number[] = [];
  private callsToday = 0;
  private dropsToday = 0;
  private answersToday = 0;
  private readonly settings: VicidialSettings;

  constructor(settings: Partial<VicidialSettings> = {}) {
    this.settings = { ...defaultVicidialSettings, ...settings };
    this.level = this.settings.startLevel;
  }

  /** The current dial level, for reports. */
  get dialLevel(): number {
    return this.level;
  }

  holdUntil(call: { liveAt: number }): number {
    return call.liveAt + this.settings.dropAfterMs;
  }

  observe(call: CallObservation): void {
    if (call.droppedAt !== undefined) {
      this.dropTimes.push(call.droppedAt);
      this.dropsToday++;
    }
    if (call.humanAnswered) this.answersToday++;
  }

  observeAgent(): void {}

  decide(s: PacingSnapshot): number {
    this.sample(s);
    this.lastAdapt ??= s.now;
    if (s.now - this.lastAdapt >= 15_000) {
      this.lastAdapt = s.now;
      this.adapt(s.now);
    }
    const agents = s.talkingCount + s.freeAgents;
    const goal = Math.round(this.level * agents);
    const existing = s.ringingCount + s.waitingLive + s.talkingCount;
    const place = Math.max(0, goal - existing);
    for (let i = 0; i < place; i++) this.placedTimes.push(s.now);
    this.callsToday += place;
    return place;
  }

  private sample(s: PacingSnapshot): void {
    this.ready.push(s.freeAgents);
    this.waiting.push(s.waitingLive);
    this.total.push(s.agentsLoggedIn);
    if (this.ready.length > 15) {
      this.ready.shift();
      this.waiting.shift();
      this.total.shift();
    }
  }

  private adapt(now: number): void {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const agents = mean(this.total);
    const differential = mean(this.ready) - mean(this.waiting);
    const mul = differential !== 0 && agents !== 0 ? differential / agents : 0;
    // AST_VDadapt.pl formats the level with sprintf("%.3f").
    let level = Math.round(this.level * (mul + 1) * 1000) / 1000;
    level = Math.min(level, this.settings.maximumLevel);
    if (level < 1) level = 1;

    while (this.placedTimes.length && this.placedTimes[0]! <= now - 60_000) this.placedTimes.shift();
    while (this.dropTimes.length && this.dropTimes[0]! <= now - 60_000) this.dropTimes.shift();
    const callsOne = this.placedTimes.length;
    if (callsOne > 20 && (this.dropTimes.length / callsOne) * 100 > 50) level /= 2;
    const dropsOfAnswers = (this.dropsToday / Math.max(1, this.answersToday)) * 100;
    if (this.callsToday > 50 && dropsOfAnswers > this.settings.droppedPercentage) level /= 2;
    if (level < 1) level = 1;
    this.level = level;
  }
}
