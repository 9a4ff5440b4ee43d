/**
 * The key failed authentications are counted under: the client's address from `CF-Connecting-IP`.
 *
 * Deployed, Cloudflare's edge sets that header on every request to the Worker and replaces any
 * value the client sent, so it is the connecting address. Locally (wrangler dev, miniflare) it is
 * set from the socket (127.0.0.1) only when the client sent none: a local client can choose its
 * own bucket, which matters little as `npm start` listens on loopback. Without a usable header
 * every request shares one local bucket.
 */
const LOCAL_CLIENT = 'local';

// The longest textual IPv6 address, IPv4 tail included; anything longer is not one.
const MAX_ADDRESS_CHARS = 45;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const IPV6_GROUP = /^[0-9a-f]{1,4}$/i;

/** An IPv6 client usually holds a whole /64, so it is counted by that prefix. */
function ipv6Prefix(address: string): string | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!all.every((g) => IPV6_GROUP.test(g))) return undefined;
  return `${all.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export function clientAddress(header: string | undefined): string {
  if (!header || header.length > MAX_ADDRESS_CHARS) return LOCAL_CLIENT;
  // IPv4, also when written inside IPv6 (::ffff:192.0.2.1): counted by the IPv4 address.
  const v4 = header.slice(header.lastIndexOf(':') + 1);
  if (IPV4.test(v4)) return v4;
  return ipv6Prefix(header) ?? LOCAL_CLIENT;
}
