// The names Asterisk knows a call's resources by, made from the call's key so that a repeated originate names the
// same channel (ARI answers 409 rather than dialling twice) and every event leads back to its call.

/** Asterisk keeps at most 150 characters of a channel's unique id (`AST_MAX_UNIQUEID`). */
const maxIdLength = 150;

export type ResourceKind = 'call' | 'agent' | 'bridge' | 'message';

/**
 * `call-<key>` for the customer's channel, `agent-<key>` for the agent's, `bridge-<key>`, `message-<key>` for the
 * playback. Characters other than letters, digits, `_` and `-` become `.XX` (their UTF-8 bytes in hex), so the id
 * needs no escaping in a URL path or a dialplan argument and reads back to the key.
 */
export function resourceId(kind: ResourceKind, key: string): string {
  if (key.length === 0) throw new Error('A call key is empty: it cannot name an Asterisk channel');
  const escaped = [...Buffer.from(key, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(char) ? char : `.${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  const id = `${kind}-${escaped}`;
  if (id.length > maxIdLength) throw new Error(`Call key ${JSON.stringify(key)} makes a ${id.length}-character id; Asterisk keeps ${maxIdLength}`);
  return id;
}

/** The kind and key an id of `resourceId` names, or undefined for an id that is not one of ours. */
export function resourceOf(id: string): { kind: ResourceKind; key: string } | undefined {
  const match = /^(call|agent|bridge|message)-((?:[A-Za-z0-9_-]|\.[0-9A-F]{2})+)$/.exec(id);
  if (!match) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < match[2]!.length; i++) {
    const char = match[2]![i]!;
    if (char === '.') {
      bytes.push(Number.parseInt(match[2]!.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(char.charCodeAt(0));
  }
  return { kind: match[1] as ResourceKind, key: Buffer.from(bytes).toString('utf8') };
}
