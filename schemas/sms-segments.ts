// How long a text message is on the wire: its encoding, length and the number of segments a carrier bills.
// GSM 03.38 (3GPP TS 23.038) default alphabet, in table order. The lower-case ç is not in it (0x09 is Ç); Greek capitals
// that look Latin (Α, Β, ...) are not either, so a text using them goes out as UCS-2.
const gsmBasic = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
// Sent as an escape followed by the character, so each takes two septets.
const gsmExtension = new Set('\f^{}\\[~]|€');

export interface SmsLength {
  /** Length in the encoding's units: septets for GSM-7 (extension characters count two), UTF-16 units for UCS-2. */
  characters: number;
  /** Segments billed; 0 for an empty text. */
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
}

const perEncoding = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

export function smsSegments(text: string): SmsLength {
  const chars = [...text];
  const gsm = chars.every((c) => gsmBasic.has(c) || gsmExtension.has(c));
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  // A character outside the basic plane is two UTF-16 units in UCS-2 (strictly UTF-16, which phones accept).
  const units = chars.map((c) => (gsm ? (gsmExtension.has(c) ? 2 : 1) : c.length));
  const characters = units.reduce((sum, n) => sum + n, 0);
  const { single, multi } = perEncoding[encoding];
  if (characters === 0) return { characters, segments: 0, encoding };
  if (characters <= single) return { characters, segments: 1, encoding };
  // Phones never split an escape sequence or a surrogate pair across segments, so a unit that does not fit whole
  // starts the next segment; counting by division would undercount.
  let segments = 1;
  let used = 0;
  for (const n of units) {
    if (used + n > multi) {
      segments += 1;
      used = n;
    } else {
      used += n;
    }
  }
  return { characters, segments, encoding };
}
