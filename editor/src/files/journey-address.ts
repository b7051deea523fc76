// The address of what the Design page shows: a journey's draft, one of its versions, or two of them compared, so that
// a reload brings it back and a link shares it.

/** One side of a comparison: a published version, or the draft as saved on the server. */
export type VersionRef = number | 'draft';

export type JourneyAddress =
  | { kind: 'journey'; id: string }
  | { kind: 'version'; id: string; version: number }
  | { kind: 'diff'; id: string; from: VersionRef; to: VersionRef };

const pattern = /^\/journeys\/([^/]+)(?:\/versions\/(\d+)|\/diff\/(draft|\d+)\.\.(draft|\d+))?\/?$/;

function versionRef(text: string): VersionRef {
  return text === 'draft' ? 'draft' : Number(text);
}

/** What `pathname` names, or undefined for `/` and any address that names no journey. */
export function parseJourneyAddress(pathname: string): JourneyAddress | undefined {
  const match = pattern.exec(pathname);
  if (!match) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  if (match[2] !== undefined) {
    const version = Number(match[2]);
    return version >= 1 ? { kind: 'version', id, version } : { kind: 'journey', id };
  }
  if (match[3] !== undefined) return { kind: 'diff', id, from: versionRef(match[3]), to: versionRef(match[4]!) };
  return { kind: 'journey', id };
}

export function journeyPath(address: JourneyAddress): string {
  const base = `/journeys/${encodeURIComponent(address.id)}`;
  if (address.kind === 'version') return `${base}/versions/${address.version}`;
  if (address.kind === 'diff') return `${base}/diff/${address.from}..${address.to}`;
  return base;
}

export function sameAddress(a: JourneyAddress | undefined, b: JourneyAddress | undefined): boolean {
  return (a === undefined && b === undefined) || (a !== undefined && b !== undefined && journeyPath(a) === journeyPath(b));
}
