// Reading a journey file's text: JSON syntax errors with line and column, then validation.
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { formatJourney } from './format.ts';
import type { Problem } from './problems.ts';
import { validateJourney, type ValidationResult } from './validate.ts';

export interface LoadResult extends ValidationResult {
  /** The parsed JSON value, when the text is JSON at all. */
  value?: unknown;
}

/** Line and column (both from 1) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - lineStart + 1 };
}

/** No journey nests anywhere near this deep; deeper text is refused before any recursive code reads it. */
export const maxNesting = 100;

/** The offset where the nesting of objects and lists first goes deeper than `maxNesting`, if it does. */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > maxNesting) return i;
    } else if (c === '}' || c === ']') depth--;
  }
  return undefined;
}

export function parseJsonText(text: string): { value: unknown } | { problem: Problem } {
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    const where = lineColumn(text, deep);
    return {
      problem: {
        severity: 'error',
        path: '',
        message: `The file nests objects or lists more than ${maxNesting} levels deep at line ${where.line}, column ${where.column}; a journey never needs that`,
      },
    };
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    // JSON.parse does not say where on every Node version; this parser reports the offset of the first error.
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const where = lineColumn(text, first?.offset ?? text.length);
    const detail = first ? plainSyntaxError(printParseErrorCode(first.error)) : 'the text is not JSON';
    return {
      problem: {
        severity: 'error',
        path: '',
        message: `The file is not valid JSON at line ${where.line}, column ${where.column}: ${detail}`,
      },
    };
  }
}

function plainSyntaxError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'a number is written wrongly',
    PropertyNameExpected: 'expected a name in double quotes',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected a colon (:) after the name',
    CommaExpected: 'expected a comma between entries',
    CloseBraceExpected: 'expected } to close the object',
    CloseBracketExpected: 'expected ] to close the list',
    EndOfFileExpected: 'unexpected text after the end of the journey',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'a comment is not closed',
    UnexpectedEndOfString: 'a text value is not closed with a double quote',
    UnexpectedEndOfNumber: 'a number is cut short',
    InvalidUnicode: 'a \\u escape is not valid',
    InvalidEscapeCharacter: 'a backslash escape is not valid',
    InvalidCharacter: 'a control character must be escaped inside text',
  };
  return words[code] ?? code;
}

/** Parses and validates a journey file's text. */
export function loadJourney(text: string): LoadResult {
  const parsed = parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if ('problem' in parsed) return { problems: [parsed.problem] };
  return { value: parsed.value, ...validateJourney(parsed.value) };
}

/** Whether the text is already exactly what the formatter writes. */
export function isCanonical(text: string): boolean {
  const parsed = parseJsonText(text);
  return 'value' in parsed && formatJourney(parsed.value) === text;
}
