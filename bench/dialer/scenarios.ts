// The dialer benchmark's scenarios, and the VICIdial setting tuned for each (`npm run tune:vicidial -- --json`).
import { readFileSync } from 'node:fs';
import type { VicidialSettings } from './vicidial-pacing.ts';

export interface ScenarioKey {
  agents: number;
  liveRate: number;
  talkMeanSeconds: number;
  amdErrorRate: number;
}

/** The benchmark's seed; tuning must use others, so that it cannot fit the benchmark's draws. */
export const benchmarkSeed = 20261125;

/** 10, 50 and 200 agents; 10, 20 and 35 % live answers; 90 and 300 s of talk; detector errors of 2 and 5 %. */
export function scenarioGrid(): ScenarioKey[] {
  const keys: ScenarioKey[] = [];
  for (const agents of [10, 50, 200]) {
    for (const liveRate of [0.1, 0.2, 0.35]) {
      for (const talkMeanSeconds of [90, 300]) {
        for (const amdErrorRate of [0.02, 0.05]) keys.push({ agents, liveRate, talkMeanSeconds, amdErrorRate });
      }
    }
  }
  return keys;
}

export function scenarioId(k: ScenarioKey): string {
  return `${k.agents}/${k.liveRate}/${k.talkMeanSeconds}/${k.amdErrorRate}`;
}

export interface TunedScenario extends ScenarioKey {
  setting: VicidialSettings;
  /** On the tuning shifts: mean talk minutes per agent hour, and the highest shift abandonment (ledger's count). */
  tuningTalkMinutesPerAgentHour: number;
  tuningMaxAbandonRate: number;
  /** Whether every tuning shift stayed under the cap (else the setting is the one that abandoned least). */
  underCap: boolean;
}

export interface TunedSettingsFile {
  seed: number;
  replications: number;
  shiftHours: number;
  definition: string;
  scenarios: TunedScenario[];
}

export const tunedSettingsPath = new URL('./vicidial-settings.json', import.meta.url);

export function readTunedSettings(): TunedSettingsFile {
  return JSON.parse(readFileSync(tunedSettingsPath, 'utf8')) as TunedSettingsFile;
}
