// Reading the store's JSON text columns: the column's type says what it holds (JsonText<T> in schema.ts).
import type { JsonText } from './schema.ts';

/** The value a JSON column holds, typed by the column. */
export function parseJson<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}
