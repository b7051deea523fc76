// Carriers expect the automatic answer to a HELP text to say how to reach a person (a phone number or an email address);
// a journey that texts without one answers with the sender's name alone.
import { definitionOfStep, type Finding, type JourneyGraph } from './graph.ts';

export function missingHelpContact(graph: JourneyGraph): Finding[] {
  const texts = [...graph.steps.values()].some((step) => definitionOfStep(step)?.channel === 'sms');
  const settings = graph.settings;
  if (!texts || typeof settings !== 'object' || settings === null || 'helpContact' in settings) return [];
  return [
    {
      path: ['settings', 'helpContact'],
      message:
        'The journey sends texts but does not say how contacts reach you: the automatic answer to a HELP text would give only its name. Fill in "How contacts reach you" with a phone number or an email address',
    },
  ];
}
