// Tries predictive pacing settings on seeds the benchmark does not use, so that tuning cannot fit the benchmark's draws.
//
//   npx tsx scripts/tune-dialer.ts '{"target":0.024}' [--agents 50] [--replications 4] [--seed 777]
//
// Prints, per scenario, the predictive policy's talk minutes per agent hour over progressive's, its worst shift's and its
// mean abandonment (US definition), its occupancy and an agent's mean wait between calls, for the settings given as JSON
// (see `PredictiveSettings` in runtime/dialer/pacing.ts).
import { abandonmentDefinitions } from '../runtime/dialer/abandonment.ts';
import { PredictivePolicy, ProgressivePolicy, type PredictiveSettings } from '../runtime/dialer/pacing.ts';
import { simulateShift, type ShiftScenario } from '../bench/dialer/shift-simulation.ts';

const definition = abandonmentDefinitions.US;
const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const settings = JSON.parse(process.argv[2]?.startsWith('{') ? process.argv[2] : '{}') as Partial<PredictiveSettings>;
const agentsList = (option('--agents') ?? '50').split(',').map(Number);
const liveRates = (option('--live') ?? '0.2').split(',').map(Number);
const talks = (option('--talk') ?? '90,300').split(',').map(Number);
const replications = Number(option('--replications') ?? 4);
const seed = Number(option('--seed') ?? 777);

for (const agents of agentsList) {
  for (const liveRate of liveRates) {
    for (const talkMeanSeconds of talks) {
      for (const amdErrorRate of [0.02, 0.05]) {
        let progressive = 0;
        let predictive = 0;
        let worst = 0;
        let abandon = 0;
        let occupancy = 0;
        let wait = 0;
        for (let replication = 0; replication < replications; replication++) {
          const scenario: ShiftScenario = {
            agents,
            liveRate,
            talkMeanSeconds,
            amdErrorRate,
            shiftHours: 8,
            ringSeconds: 25,
            seed,
            replication,
            ratePerMinute: 0.012,
          };
          progressive += simulateShift(scenario, new ProgressivePolicy(definition), definition).talkMinutesPerAgentHour;
          const ours = simulateShift(scenario, new PredictivePolicy(definition, undefined, settings), definition);
          predictive += ours.talkMinutesPerAgentHour;
          worst = Math.max(worst, ours.abandonRate);
          abandon += ours.abandonRate / replications;
          occupancy += ours.occupancy / replications;
          wait += ours.timeToConnectSeconds / replications;
        }
        console.log(
          `${agents} agents, ${liveRate * 100} % live, ${talkMeanSeconds} s, AMD ${amdErrorRate * 100} %: gain ${(predictive / progressive).toFixed(3)}x, worst shift ${(worst * 100).toFixed(2)} %, ` +
            `mean ${(abandon * 100).toFixed(2)} %, occupancy ${(occupancy * 100).toFixed(1)} %, wait ${wait.toFixed(1)} s`,
        );
      }
    }
  }
}
