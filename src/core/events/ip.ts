/**
 * IP addresses and CIDR blocks for the source-IP filter and the security-group rules, without
 * Node's `net`. sourceIPAddress is attacker-influenced text: anything unparsable is simply "not an IP".
 *
 * An address is kept as 8 sixteen-bit words (IPv4 as its IPv4-mapped IPv6 form ::ffff:a.b.c.d), so
 * that IPv4 and IPv4-mapped IPv6 compare equal and one prefix comparison serves both families.
 */

export interface IpAddress {
  /** 4 for IPv4 (and IPv4-mapped IPv6), 6 otherwise. */
  family: 4 | 6;
  words: Uint16Array;
}

export interface CidrBlock {
  family: 4 | 6;
  words: Uint16Array;
  /** Prefix length over the 128-bit form (an IPv4 /24 is 96 + 24). */
  bits: number;
  /** The prefix length as written (0–32 for IPv4, 0–128 for IPv6). */
  prefix: number;
}

/**
 * Dotted-quad IPv4. Leading zeros are read as decimal (`010` is 10): real CloudTrail data and
 * anonymised datasets contain them, and we only compare, never connect.
 */
function parseIpv4Words(text: string, out: Uint16Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return false;
    const n = Number(part);
    if (n > 255) return false;
    bytes.push(n);
  }
  out[at] = (bytes[0] << 8) | bytes[1];
  out[at + 1] = (bytes[2] << 8) | bytes[3];
  return true;
}

export function parseIp(input: string): IpAddress | undefined {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.length === 0 || text.length > 45) return undefined;
  const words = new Uint16Array(8);
  if (!text.includes(':')) {
    if (!parseIpv4Words(text, words, 6)) return undefined;
    words[5] = 0xffff;
    return { family: 4, words };
  }
  // IPv6, possibly with "::" and a trailing dotted quad.
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        const tail = new Uint16Array(2);
        if (!parseIpv4Words(item, tail, 0)) return undefined;
        groups.push(tail[0], tail[1]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
        groups.push(parseInt(item, 16));
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  head.forEach((group, i) => (words[i] = group));
  tail.forEach((group, i) => (words[8 - tail.length + i] = group));
  const mapped = words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff;
  return { family: mapped ? 4 : 6, words };
}

/** `10.0.0.0/8`, `2001:db8::/32`; a bare address is a single-host block. */
export function parseCidr(input: string): CidrBlock | undefined {
  const text = input.trim();
  const slash = text.indexOf('/');
  const address = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (!address) return undefined;
  const max = address.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const bitsText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bitsText)) return undefined;
    prefix = Number(bitsText);
    if (prefix > max) return undefined;
  }
  return { family: address.family, words: address.words, prefix, bits: address.family === 4 ? 96 + prefix : prefix };
}

export function cidrContains(block: CidrBlock, address: IpAddress): boolean {
  if (block.family !== address.family) return false;
  let bits = block.bits;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((block.words[i] & mask) !== (address.words[i] & mask)) return false;
  }
  return true;
}

/** True when the text is a CIDR block that covers every address of its family (`0.0.0.0/0`, `::/0`, even `1.2.3.4/0`). */
export function isWorldCidr(text: string): boolean {
  const block = parseCidr(text);
  return block !== undefined && block.prefix === 0 && text.includes('/');
}
