import { describe, expect, it } from 'vitest';
import { builtInSample } from './sample-contact.ts';
import { renderPreview } from './template-preview.ts';

describe('renderPreview', () => {
  it('renders for the sample contact', () => {
    expect(renderPreview('Hi {{ contact.firstName }}', builtInSample, {})).toEqual({ text: 'Hi Renée' });
  });

  it('refuses nested loops past the bound at once, without rendering them, so typing stays responsive', () => {
    const started = performance.now();
    const preview = renderPreview('{% for a in (1..1000) %}{% for b in (1..1000) %}x{% endfor %}{% endfor %}', builtInSample, {});
    expect(performance.now() - started).toBeLessThan(50);
    expect(preview).toEqual({ error: expect.stringMatching(/loops 1,001,000 times for each contact \(\(1\.\.1000\) inside \(1\.\.1000\)\); at most 1,000/) });
  });

  it('stops text that doubles in a short loop at the memory limit', () => {
    const doubling = '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}';
    expect(renderPreview(doubling, builtInSample, {})).toEqual({ error: expect.stringMatching(/memory alloc limit exceeded/) });
  });
});
