// A problem found in a journey: what the CLI prints, the API returns and the editor pins on a node.
export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  /** The step the problem is about; absent for problems with the whole document. */
  nodeId?: string;
  /** JSON pointer (RFC 6901) into the file, e.g. `/nodes/reminder/config/body`. */
  path: string;
  message: string;
}

export function jsonPointer(segments: readonly PropertyKey[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
