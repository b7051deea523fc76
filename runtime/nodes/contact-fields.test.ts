// The validator (schemas/) knows which contact fields a template may read; the runtime gives templates a ContactView.
// The two lists are written apart, since schemas/ imports nothing of ours, so this test keeps them equal.
import { describe, expect, it } from 'vitest';
import { contactFields } from '../../schemas/template-references.ts';
import type { ContactView } from './types.ts';

describe('what templates read from the contact', () => {
  it('lists the contact fields the runtime gives templates, no more and no fewer', () => {
    const view: Record<Exclude<keyof ContactView, 'attributes' | 'consent'>, true> = {
      id: true,
      externalId: true,
      phone: true,
      email: true,
      firstName: true,
      lastName: true,
      timezone: true,
      state: true,
      postalCode: true,
    };
    expect([...contactFields].sort()).toEqual(Object.keys(view).sort());
  });
});
