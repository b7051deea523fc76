// Writes the rules tables of docs/compliance.md from the compliance profiles; a test fails when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedRules } from '../runtime/compliance/rules-table.ts';

const file = new URL('../docs/compliance.md', import.meta.url);
writeFileSync(file, withGeneratedRules(readFileSync(file, 'utf8')));
console.log(`wrote the rules tables of ${file.pathname}`);
