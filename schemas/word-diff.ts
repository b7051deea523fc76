// A word diff of two long texts, for reviewers: the changed words marked, the unchanged ones around them elided.

/** One stretch of text: kept as it was, or taken out of the old text, or put into the new one. */
export interface WordPart {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** Words, runs of spaces and single punctuation marks: `links.callback` differs from `links.call back` in one word. */
const tokenPattern = /\s+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/** Beyond this many cells the middle is shown as one replacement rather than matched word by word. */
const maxTableCells = 4_000_000;

export function tokenize(text: string): string[] {
  return text.match(tokenPattern) ?? [];
}

/** The two texts as stretches in order; adjacent stretches of one kind are merged. */
export function wordDiff(before: string, after: string): WordPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: WordPart[] = [];
  const push = (kind: WordPart['kind'], text: string) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  push('same', a.slice(0, start).join(''));
  for (const part of middle(a.slice(start, endA), b.slice(start, endB))) push(part.kind, part.text);
  push('same', a.slice(endA).join(''));
  return orderRemovedFirst(parts);
}

/** The longest common subsequence of the two middles, walked back into stretches. */
function middle(a: string[], b: string[]): WordPart[] {
  if ((a.length + 1) * (b.length + 1) > maxTableCells) {
    return [
      { kind: 'removed', text: a.join('') },
      { kind: 'added', text: b.join('') },
    ];
  }
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const parts: WordPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      parts.push({ kind: 'same', text: a[i++]! });
      j++;
    } else if (j < b.length && (i === a.length || table[i * width + j + 1]! >= table[(i + 1) * width + j]!)) {
      parts.push({ kind: 'added', text: b[j++]! });
    } else {
      parts.push({ kind: 'removed', text: a[i++]! });
    }
  }
  return parts;
}

/**
 * Between two unchanged stretches, the removed words read before the added ones. A mere space or mark kept between
 * two changes joins them, so that a rewritten phrase reads as old phrase then new, not word against word.
 */
function orderRemovedFirst(parts: WordPart[]): WordPart[] {
  const out: WordPart[] = [];
  const joins = (k: number) =>
    parts[k]?.kind === 'same' &&
    !/[\p{L}\p{N}_]/u.test(parts[k]!.text) &&
    parts[k - 1]?.kind !== 'same' &&
    parts[k + 1] !== undefined &&
    parts[k + 1]!.kind !== 'same';
  for (let k = 0; k < parts.length; ) {
    if (parts[k]!.kind === 'same') {
      out.push(parts[k++]!);
      continue;
    }
    let removed = '';
    let added = '';
    while (k < parts.length && (parts[k]!.kind !== 'same' || joins(k))) {
      if (parts[k]!.kind !== 'added') removed += parts[k]!.text;
      if (parts[k]!.kind !== 'removed') added += parts[k]!.text;
      k++;
    }
    if (removed) out.push({ kind: 'removed', text: removed });
    if (added) out.push({ kind: 'added', text: added });
  }
  return out;
}

/** The unchanged stretches cut to the `context` words nearest a change, the rest of each shown as `…`. */
export function elideUnchanged(parts: WordPart[], context = 4): WordPart[] {
  return parts.map((part, k) => {
    if (part.kind !== 'same') return part;
    const tokens = tokenize(part.text);
    const keepHead = k > 0 ? wordSpan(tokens, context, 'head') : 0;
    const keepTail = k < parts.length - 1 ? wordSpan(tokens, context, 'tail') : 0;
    const elided = tokens.slice(keepHead, tokens.length - keepTail);
    if (elided.filter(isWord).length < minElided) return part;
    return { kind: 'same', text: `${tokens.slice(0, keepHead).join('')}…${tokens.slice(tokens.length - keepTail).join('')}` };
  });
}

/** The diff as one line, `[-removed-]` and `{+added+}` as git's word diff marks them, far unchanged words elided. */
export function renderWordDiff(parts: WordPart[], context = 4): string {
  return elideUnchanged(parts, context)
    .map((part) => (part.kind === 'removed' ? `[-${part.text}-]` : part.kind === 'added' ? `{+${part.text}+}` : part.text))
    .join('');
}

/** Fewer unchanged words than this between the kept ones are shown: a `…` in their place would save nothing. */
const minElided = 3;

function isWord(token: string): boolean {
  return /[\p{L}\p{N}_]/u.test(token);
}

/** How many tokens from one end hold `words` words (spaces and marks ride along). */
function wordSpan(tokens: string[], words: number, end: 'head' | 'tail'): number {
  let seen = 0;
  for (let n = 0; n < tokens.length; n++) {
    const token = tokens[end === 'head' ? n : tokens.length - 1 - n]!;
    if (isWord(token) && ++seen > words) return n;
  }
  return tokens.length;
}
