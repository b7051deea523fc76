import { describe, expect, it } from 'vitest';
import { smsSegments } from './sms-segments.ts';

const a = (n: number) => 'a'.repeat(n);

describe('smsSegments', () => {
  it.each([
    ['', 0, 0, 'GSM-7'],
    ['Hi Ada, your appointment is at 10:00.', 37, 1, 'GSM-7'],
    [a(160), 160, 1, 'GSM-7'],
    [a(161), 161, 2, 'GSM-7'],
    [a(306), 306, 2, 'GSM-7'],
    [a(307), 307, 3, 'GSM-7'],
    ['Price: 5€ [50% off] {today} ^_^ ~ | \\', 47, 1, 'GSM-7'],
    [`${a(159)}€`, 161, 2, 'GSM-7'],
    // The escape pair cannot straddle segments 1 and 2: 152 + (2) + 152 needs a third segment.
    [`${a(152)}€${a(152)}`, 306, 3, 'GSM-7'],
    ['@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà', 42, 1, 'GSM-7'],
    ['It’s ready', 10, 1, 'UCS-2'],
    ['ça va', 5, 1, 'UCS-2'],
    ['こんにちは', 5, 1, 'UCS-2'],
    [`é${a(68)}ж`, 70, 1, 'UCS-2'],
    [`ж${a(70)}`, 71, 2, 'UCS-2'],
    [`ж${a(133)}`, 134, 2, 'UCS-2'],
    [`ж${a(134)}`, 135, 3, 'UCS-2'],
    ['Thanks 😀', 9, 1, 'UCS-2'],
    // The surrogate pair cannot straddle segments: 66 + (2) + 66 needs a third segment.
    [`${a(66)}😀${a(66)}`, 134, 3, 'UCS-2'],
  ] as const)('%j', (text, characters, segments, encoding) => {
    expect(smsSegments(text)).toEqual({ characters, segments, encoding });
  });
});
