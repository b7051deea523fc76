// VICIdial's outbound pacing re-implemented as the open-source baseline of the benchmark, with every dial method an
// admin can pick: RATIO (a fixed level) and the adaptive ADAPT_HARD_LIMIT, ADAPT_AVERAGE and ADAPT_TAPERED, with
// adaptive_intensity and adaptive_dl_diff_target. Read from VICIdial 2.14 (astguiclient, bin/AST_VDadapt.pl and
// bin/AST_VDauto_dial.pl):
//
// - AST_VDadapt.pl, master loop (1 s delay): every loop `count_agents_lines` samples ready agents, calls waiting in
//   the queue and agents logged in into arrays of `$stat_it` = 15 entries, and averages them over 15
//   (`$stat_differential = $ready_diff_avg - $waiting_diff_avg`); `calculate_drops` runs when `$drop_count_updater`
//   reaches 60 (it starts at 61, so once at once, then every 60 s); `calculate_dial_level` when `$diff_ratio_updater`
//   reaches 15 (every 15 s, the first at 15 s).
// - AST_VDadapt.pl, sub calculate_drops: calls and drops of the last minute (`$VCSdrops_one_pct` = drops / calls
//   × 100) and of today (`$VCSdrops_answers_today_pct` = drops / human answers × 100).
// - AST_VDadapt.pl, sub calculate_dial_level, for ADAPT_HARD_LIMIT, ADAPT_AVERAGE and ADAPT_TAPERED only:
//     differential_target = differential + adaptive_dl_diff_target; mul = differential_target / average agents;
//     pct = mul × 100; intensity_mul = adaptive_intensity / 100;
//     intensity_diff = pct × |intensity_mul − 1| when pct < 0, else pct × (intensity_mul + 1);
//     level = sprintf("%.3f", level × (intensity_diff / 100 + 1)), capped at adaptive_maximum_level, floored at 1;
//     halved when more than 20 calls in the last minute and over 50 % of them dropped; when more than 50 calls today
//     and drops over adaptive_dropped_percentage of answers: ADAPT_HARD_LIMIT sets 1.0, ADAPT_AVERAGE halves,
//     ADAPT_TAPERED multiplies by tapered_rate = (adaptive_latest_server_time − HHMM now) / 1000 (1 when over 1000;
//     1.0 once the latest time has passed); finally floored at 1.0.
// - AST_VDauto_dial.pl, main loop (every 2.5 s, `$loop_delay` 2500 ms): agents = talking + ready (agents in their
//   disposition screen are paused), plus adaptive_dl_diff_target, floored at 0; goal = sprintf("%.0f", level ×
//   agents); it places goal − calls in progress (SENT, RINGING, LIVE, XFER). RATIO campaigns dial at their fixed
//   auto_dial_level (AST_VDadapt.pl leaves them alone).
// - A live call waits in the queue `drop_call_seconds` (5 by default) from the moment it reaches it, which is after
//   the detector's verdict when detection is on, then is dropped.
import type { CallObservation, PacingPolicy, PacingSnapshot } from '../../runtime/dialer/pacing.ts';

export type VicidialMethod = 'RATIO' | 'ADAPT_HARD_LIMIT' | 'ADAPT_AVERAGE' | 'ADAPT_TAPERED';

export interface VicidialSettings {
  /** dial_method. */
  method: VicidialMethod;
  /** adaptive_dropped_percentage. */
  droppedPercentage: number;
  /** adaptive_maximum_level. */
  maximumLevel: number;
  /** auto_dial_level when the shift starts; the fixed level of RATIO. */
  startLevel: number;
  /** adaptive_intensity, from −40 (less aggressive) to 40. */
  intensity: number;
  /** adaptive_dl_diff_target: agents to keep waiting (negative) or calls to keep waiting (positive). */
  dlDiffTarget: number;
  /** drop_call_seconds. */
  dropCallSeconds: number;
  /** adaptive_latest_server_time, as HHMM (ADAPT_TAPERED). */
  latestServerTime: number;
  /** The server time when the shift starts, as HHMM. */
  shiftStartTime: number;
  /** Whether the campaign runs answering-machine detection (the simulation reads it). */
  amd: boolean;
}

/** VICIdial's defaults for a campaign's adaptive settings, with the ADAPT_AVERAGE method and a start at level 1. */
export const defaultVicidialSettings: VicidialSettings = {
  method: 'ADAPT_AVERAGE',
  droppedPercentage: 3,
  maximumLevel: 3,
  startLevel: 1,
  intensity: 0,
  dlDiffTarget: 0,
  dropCallSeconds: 5,
  latestServerTime: 2100,
  shiftStartTime: 900,
  amd: true,
};

/** Perl's sprintf("%.0f"): round half to even. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const statIt = 15;
const adaptEveryMs = 15_000;
const dropsEveryMs = 60_000;
const dialEveryMs = 2500;

export class VicidialPolicy implements PacingPolicy {
  readonly name = 'vicidial';
  readonly reservesAgents = false;
  readonly settings: VicidialSettings;
  private level: number;
  /** The last 15 one-second samples, as `count_agents_lines` keeps them. */
  private readonly ready = new Array<number>(statIt).fill(0);
  private readonly waiting = new Array<number>(statIt).fill(0);
  private readonly total = new Array<number>(statIt).fill(0);
  private samples = 0;
  private lastAdapt: number | undefined;
  private lastDrops: number | undefined;
  private nextDial = 0;
  private readonly placedTimes: number[] = [];
  private readonly dropTimes: number[] = [];
  private callsToday = 0;
  private dropsToday = 0;
  private answersToday = 0;
  /** The figures of the last `calculate_drops`, refreshed every 60 s. */
  private drops = { callsOne: 0, dropsOnePct: 0, callsToday: 0, dropsAnswersTodayPct: 0 };

  constructor(settings: Partial<VicidialSettings> = {}) {
    this.settings = { ...defaultVicidialSettings, ...settings };
    this.level = this.settings.startLevel;
  }

  /** The current dial level, for reports and tests. */
  get dialLevel(): number {
    return this.level;
  }

  holdUntil(call: { liveAt: number }): number {
    return call.liveAt + this.settings.dropCallSeconds * 1000;
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
    // AST_VDadapt.pl: one loop a second.
    this.sample(s);
    if (this.lastDrops === undefined || s.now - this.lastDrops >= dropsEveryMs) {
      this.lastDrops = s.now;
      this.calculateDrops(s.now);
    }
    this.lastAdapt ??= s.now;
    if (s.now - this.lastAdapt >= adaptEveryMs) {
      this.lastAdapt = s.now;
      if (this.settings.method !== 'RATIO') this.calculateDialLevel(s.now);
    }
    // AST_VDauto_dial.pl: one loop every 2.5 s; asked each second, it dials on the first second at or after its turn.
    if (s.now < this.nextDial) return 0;
    while (this.nextDial <= s.now) this.nextDial += dialEveryMs;
    return this.dial(s);
  }

  /** Calls to place on one loop of AST_VDauto_dial.pl. */
  dial(s: PacingSnapshot): number {
    const agents = Math.max(0, s.talkingCount + s.freeAgents + this.settings.dlDiffTarget);
    const goal = roundHalfEven(this.level * agents);
    const inProgress = s.ringingCount + s.waitingLive + s.talkingCount;
    const place = Math.max(0, goal - inProgress);
    for (let i = 0; i < place; i++) this.placedTimes.push(s.now);
    this.callsToday += place;
    return place;
  }

  private sample(s: PacingSnapshot): void {
    const at = this.samples++ % statIt;
    this.ready[at] = s.freeAgents;
    this.waiting[at] = s.waitingLive;
    this.total[at] = s.agentsLoggedIn;
  }

  private calculateDrops(now: number): void {
    while (this.placedTimes.length && this.placedTimes[0]! <= now - 60_000) this.placedTimes.shift();
    while (this.dropTimes.length && this.dropTimes[0]! <= now - 60_000) this.dropTimes.shift();
    const callsOne = this.placedTimes.length;
    this.drops = {
      callsOne,
      dropsOnePct: callsOne > 0 ? (this.dropTimes.length / callsOne) * 100 : 0,
      callsToday: this.callsToday,
      dropsAnswersTodayPct: this.answersToday > 0 ? (this.dropsToday / this.answersToday) * 100 : 0,
    };
  }

  private calculateDialLevel(now: number): void {
    const { intensity, dlDiffTarget, maximumLevel, droppedPercentage, method } = this.settings;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const agentsAverage = sum(this.total) / statIt;
    const differentialTarget = (sum(this.ready) - sum(this.waiting)) / statIt + dlDiffTarget;
    const pct = differentialTarget !== 0 && agentsAverage !== 0 ? (differentialTarget / agentsAverage) * 100 : 0;
    const intensityMul = intensity / 100;
    const intensityDiff = pct < 0 ? pct * Math.abs(intensityMul - 1) : pct * (intensityMul + 1);
    let level = Math.round(this.level * (intensityDiff / 100 + 1) * 1000) / 1000;
    if (level > maximumLevel) level = maximumLevel;
    if (level < 1) level = 1;
    const d = this.drops;
    if (d.callsOne > 20 && d.dropsOnePct > 50) level /= 2;
    if (d.callsToday > 50 && d.dropsAnswersTodayPct > droppedPercentage) {
      if (method === 'ADAPT_HARD_LIMIT') level = 1;
      else if (method === 'ADAPT_AVERAGE') level /= 2;
      else {
        const hoursLeft = this.settings.latestServerTime - hourMin(this.settings.shiftStartTime, now);
        level = hoursLeft < 0 ? 1 : level * (hoursLeft > 1000 ? 1 : hoursLeft / 1000);
      }
    }
    if (level < 1) level = 1;
    this.level = level;
  }
}

/** The server's HHMM `now` milliseconds after a shift that started at HHMM `start`, as `$current_hourmin` reads. */
export function hourMin(start: number, now: number): number {
  const minutes = Math.floor(start / 100) * 60 + (start % 100) + Math.floor(now / 60_000);
  return Math.floor(minutes / 60) * 100 + (minutes % 60);
}

/** A short label of a setting, for the benchmark's tables. */
export function describeSetting(s: VicidialSettings): string {
  const parts =
    s.method === 'RATIO'
      ? [`RATIO ${s.startLevel}`]
      : [s.method, `drop ${s.droppedPercentage} %`, `max ${s.maximumLevel}`, ...(s.intensity ? [`intensity ${s.intensity}`] : [])];
  if (s.dlDiffTarget) parts.push(`diff target ${s.dlDiffTarget}`);
  if (s.method === 'ADAPT_TAPERED') parts.push(`latest ${String(s.latestServerTime).padStart(4, '0')}`);
  parts.push(`drop timer ${s.dropCallSeconds} s`, s.amd ? 'AMD on' : 'AMD off');
  return parts.join(', ');
}
