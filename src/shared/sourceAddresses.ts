// Local source addresses a run spreads its connections over (`--source-addresses`): one (source
// address, target) pair has only the ephemeral port range (about 28,000 ports here), so tools
// that hold more connections (tsung, Gatling's `localAddresses`) bind them to several local
// addresses. Given as a list of addresses and IPv4 ranges ("127.0.0.2-127.0.0.9"), expanded here.
// Shared with the renderer: no node:net, so addresses are checked here (IPv4 by its parts, IPv6
// by the URL parser, which knows the notation).

/** 4 for an IPv4 address, 6 for IPv6, 0 otherwise (as node:net's isIP). */
function isIP(text: string): 0 | 4 | 6 {
  const parts = text.split('.');
  if (parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return 4;
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return 0;
  try {
    new URL(`http://[${text}]/`);
    return 6;
  } catch {
    return 0;
  }
}

/** Addresses at most after expansion: more would be a typo in a range, not a plan. */
export const MAX_SOURCE_ADDRESSES = 256;

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Expands "a,b,c-d" (or a list of such items) into addresses, in order, without duplicates.
 * Returns an error naming the bad item instead of throwing.
 */
export function expandSourceAddresses(items: readonly string[]): { ok: true; addresses: string[] } | { ok: false; error: string } {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (a: string) => {
    if (!seen.has(a)) {
      seen.add(a);
      out.push(a);
    }
  };
  for (const raw of items.flatMap((i) => i.split(','))) {
    const item = raw.trim();
    if (item === '') continue;
    const dash = item.indexOf('-');
    if (dash > 0 && isIP(item.slice(0, dash).trim()) === 4) {
      const from = item.slice(0, dash).trim();
      const to = item.slice(dash + 1).trim();
      if (isIP(to) !== 4) return { ok: false, error: `"${item}" is not a range of IPv4 addresses (e.g. 127.0.0.2-127.0.0.9)` };
      const a = ipv4ToInt(from);
      const b = ipv4ToInt(to);
      if (b < a) return { ok: false, error: `"${item}" ends before it starts` };
      if (b - a + 1 > MAX_SOURCE_ADDRESSES) return { ok: false, error: `"${item}" holds ${b - a + 1} addresses, more than ${MAX_SOURCE_ADDRESSES}` };
      for (let v = a; v <= b; v++) add(intToIpv4(v));
    } else if (isIP(item) !== 0) {
      add(item);
    } else {
      return { ok: false, error: `"${item}" is not an IP address or a range such as 127.0.0.2-127.0.0.9` };
    }
    if (out.length > MAX_SOURCE_ADDRESSES) return { ok: false, error: `more than ${MAX_SOURCE_ADDRESSES} addresses` };
  }
  if (out.length === 0) return { ok: false, error: 'needs at least one address' };
  return { ok: true, addresses: out };
}

