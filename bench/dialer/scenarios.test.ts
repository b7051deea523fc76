import { describe, expect, it } from 'vitest';
import { benchmarkSeed, readTunedSettings, scenarioGrid, scenarioId } from './scenarios.ts';
import { defaultVicidialSettings } from './vicidial-pacing.ts';

describe('the tuned VICIdial settings file', () => {
  const file = readTunedSettings();

  it('holds one setting for each scenario of the current list, in its order', () => {
    expect(file.scenarios.map(scenarioId)).toEqual(scenarioGrid().map(scenarioId));
  });

  it('was tuned on seeds other than the benchmark’s, with US rules, on shifts as long as the benchmark’s', () => {
    expect(file.seed).not.toBe(benchmarkSeed);
    expect(file.replications).toBeGreaterThanOrEqual(2);
    expect(file.definition).toBe('US');
    expect(file.shiftHours).toBe(8);
  });

  it('holds complete settings, each under the cap on its tuning shifts', () => {
    for (const t of file.scenarios) {
      expect(Object.keys(t.setting).sort()).toEqual(Object.keys(defaultVicidialSettings).sort());
      expect(t.underCap).toBe(true);
      expect(t.tuningMaxAbandonRate).toBeLessThanOrEqual(0.03);
    }
  });
});
