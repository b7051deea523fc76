import { describe, expect, it } from 'vitest';
import { outcomeOptOuts } from './outcome-meanings.ts';

describe('outcomeOptOuts', () => {
  it.each([
    ['do-not-call', {}, ['voice']],
    ['DNC', {}, ['voice']],
    [' Do-Not-Text ', {}, ['sms']],
    ['do-not-email', {}, ['email']],
    ['do-not-contact', {}, ['voice', 'sms', 'email']],
    ['sale', {}, []],
    // A step's own settings name other outcomes, and can unmark a default.
    ['remove-me', { 'remove-me': 'do-not-contact' }, ['voice', 'sms', 'email']],
    ['Wrong-Number', { 'wrong-number': 'do-not-call' }, ['voice']],
    ['do-not-call', { 'do-not-call': 'nothing' }, []],
    ['do-not-call', { 'do-not-call': 'do-not-text' }, ['sms']],
  ] as const)('%s with %j stops %j', (outcome, meanings, channels) => {
    expect(outcomeOptOuts({ outcomeMeanings: meanings }, outcome)).toEqual(channels);
  });
});
