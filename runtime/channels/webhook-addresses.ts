// Which addresses a webhook step may reach. A journey's author (or a contact's data in a template) must not be able
// to make the server call itself, its database, the cloud's metadata service or anything else inside the network:
// those are refused unless the operator allows them by CIDR (JOURNEY_WEBHOOK_ALLOW).
import { BlockList, isIP } from 'node:net';

/** Loopback, private, shared (CGNAT), link-local (cloud metadata), unique-local, unspecified, multicast, broadcast. */
const internalRanges: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const internal = new BlockList();
for (const [network, prefix, type] of internalRanges) internal.addSubnet(network, prefix, type);

/** An IPv6 address that carries an IPv4 one (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d): the IPv4 address. */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || groups[5] === 0);
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (!mapped && !nat64) return undefined;
  const [hi, lo] = [groups[6]!, groups[7]!];
  if (mapped && groups[5] === 0 && hi === 0) return undefined; // ::, ::1 and the like are IPv6's own
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const parts = v4[1]!.split('.').map(Number);
    text = `${text.slice(0, -v4[1]!.length)}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = text.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

export class AddressPolicy {
  private readonly allowed = new BlockList();
  readonly allowList: readonly string[];

  /** `allow`: CIDRs (or single addresses) reachable even though they are internal. */
  constructor(allow: readonly string[] = []) {
    this.allowList = allow;
    for (const entry of allow) {
      const [network, prefixText] = entry.trim().split('/');
      const type = isIP(network ?? '');
      const prefix = prefixText === undefined ? (type === 6 ? 128 : 32) : Number(prefixText);
      if (!type || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 6 ? 128 : 32)) {
        throw new Error(`"${entry}" in the webhook allow-list (JOURNEY_WEBHOOK_ALLOW) is not an address or a CIDR range such as 10.20.0.0/16 or fd12::/64`);
      }
      this.allowed.addSubnet(network!, prefix, type === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** The comma-separated list in JOURNEY_WEBHOOK_ALLOW, e.g. `10.20.0.0/16,192.168.5.7`. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): AddressPolicy {
    return new AddressPolicy((env.JOURNEY_WEBHOOK_ALLOW ?? '').split(',').filter((s) => s.trim() !== ''));
  }

  /** Why an address may not be called, or undefined when it may. */
  refusal(address: string): string | undefined {
    const type = isIP(address);
    if (!type) return `"${address}" is not an IP address`;
    const family = type === 6 ? 'ipv6' : 'ipv4';
    if (this.allowed.check(address, family)) return undefined;
    const v4 = type === 6 ? embeddedIpv4(address) : undefined;
    if (v4 && this.allowed.check(v4, 'ipv4')) return undefined;
    if (internal.check(address, family) || (v4 !== undefined && internal.check(v4, 'ipv4'))) {
      return `${address} is an internal address (loopback, private, link-local or the like), which webhooks may not call unless JOURNEY_WEBHOOK_ALLOW lists it`;
    }
    return undefined;
  }
}
