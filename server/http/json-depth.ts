// How deep a JSON body may nest. Parsing, validating and storing walk a value recursively, so a body of a few
// megabytes of `[[[[...` would exhaust the stack somewhere along the way (a 500); it is refused up front instead.

/** Objects and arrays inside one another, the body itself being the first; journeys and contacts need far fewer. */
export const maxJsonDepth = 32;

const escapeSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The JSON pointer of the first object or array nested deeper than `max`, or undefined when none is. Reads the text
 * without parsing it (no recursion, so any depth is safe) and does not check that it is valid JSON: the parser that
 * comes after does that.
 */
export function tooDeep(text: string, max = maxJsonDepth): string | undefined {
  // One frame per open object or array: its current key (objects) or index (arrays).
  const stack: { array: boolean; key: string; index: number }[] = [];
  let expectKey = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (expectKey) lastKey = text.slice(start, i + 1);
      continue;
    }
    const top = stack[stack.length - 1];
    if (ch === '{' || ch === '[') {
      if (stack.length >= max) return stack.map((f) => `/${escapeSegment(f.array ? String(f.index) : f.key)}`).join('');
      stack.push({ array: ch === '[', key: '', index: 0 });
      expectKey = ch === '{';
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      expectKey = false;
    } else if (ch === ':' && top && !top.array) {
      top.key = decodeKey(lastKey);
      expectKey = false;
    } else if (ch === ',' && top) {
      if (top.array) top.index++;
      else expectKey = true;
    }
  }
  return undefined;
}

function decodeKey(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}
