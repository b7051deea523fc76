import { describe, expect, it } from 'vitest';
import { renderWordDiff, tokenize, wordDiff } from './word-diff.ts';

describe('wordDiff', () => {
  it('splits words from the marks between them', () => {
    expect(tokenize('{{ links.callback }}')).toEqual(['{', '{', ' ', 'links', '.', 'callback', ' ', '}', '}']);
  });

  it('marks only the words that changed, the removed before the added', () => {
    expect(wordDiff('call us back today', 'call them back tomorrow')).toEqual([
      { kind: 'same', text: 'call ' },
      { kind: 'removed', text: 'us' },
      { kind: 'added', text: 'them' },
      { kind: 'same', text: ' back ' },
      { kind: 'removed', text: 'today' },
      { kind: 'added', text: 'tomorrow' },
    ]);
  });

  it('reads a rewritten phrase as the old words then the new, not word against word', () => {
    expect(renderWordDiff(wordDiff('Hi Ann, we have not received it', 'Hi Ann, please call us about it'))).toBe(
      'Hi Ann, [-we have not received-]{+please call us about+} it',
    );
  });

  it('gives back each text whole from its stretches', () => {
    const before = 'Hi {{ contact.firstName }}, your payment of {{ attributes.amount }} is late. Call {{ links.callback }}.';
    const after = 'Hello {{ contact.firstName }}, your payment is late. Please call {{ links.call back }} today.';
    const parts = wordDiff(before, after);
    expect(
      parts
        .filter((p) => p.kind !== 'added')
        .map((p) => p.text)
        .join(''),
    ).toBe(before);
    expect(
      parts
        .filter((p) => p.kind !== 'removed')
        .map((p) => p.text)
        .join(''),
    ).toBe(after);
  });

  it('elides unchanged words far from a change', () => {
    const before = 'one two three four five six seven eight nine ten eleven twelve thirteen';
    const after = 'one two three four five six SEVEN eight nine ten eleven twelve thirteen';
    expect(renderWordDiff(wordDiff(before, after), 2)).toBe('… five six [-seven-]{+SEVEN+} eight nine …');
    expect(renderWordDiff(wordDiff(before, after), 10)).toBe(`one two three four five six [-seven-]{+SEVEN+} eight nine ten eleven twelve thirteen`);
  });

  it('keeps the words next to each change and elides the rest between two changes', () => {
    expect(renderWordDiff(wordDiff('a b c d e f g h i j', 'a B c d e f g H i j'), 1)).toBe('a [-b-]{+B+} c … g [-h-]{+H+} i j');
    expect(renderWordDiff(wordDiff('a b c d e f g h i j', 'a B c d e f g H i j'), 2)).toBe('a [-b-]{+B+} c d e f g [-h-]{+H+} i j');
    expect(renderWordDiff(wordDiff('a b c d e f g h i j k l', 'a B c d e f g H i j k l'), 2)).toBe('a [-b-]{+B+} c d e f g [-h-]{+H+} i j k l');
  });
});
