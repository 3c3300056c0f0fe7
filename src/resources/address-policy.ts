/**
 * Where http:invoke may connect (the SSRF policy). Addresses are parsed and matched with ipaddr.js; every IPv6
 * form that embeds an IPv4 address is judged by the address it embeds as well as by itself: IPv4-mapped
 * (::ffff:0:0/96), IPv4-compatible (::/96), IPv4-translated (::ffff:0:0:0/96), NAT64 (64:ff9b::/96 and the
 * local-use 64:ff9b:1::/48, read at the /96 position), 6to4 (2002::/16) and Teredo (2001::/32: its server and
 * its obfuscated client address). A verdict, for an address and each address it embeds:
 * 1. an `allow` entry (host name, `*.suffix`, address or CIDR) matches: allowed;
 * 2. a `deny` entry, a metadata endpoint, or an always-denied range matches: refused. Always denied:
 *    unspecified (0.0.0.0/8, ::), link-local (169.254/16, fe80::/10), multicast, broadcast, reserved and
 *    documentation ranges, the cloud metadata addresses;
 * 3. a private range matches and private networks are not allowed: refused. Private: loopback (127/8, ::1),
 *    10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7 (unique local), 64:ff9b:1::/48;
 * 4. otherwise allowed.
 * `serve`, `worker` and the library refuse private networks by default; `dev` and `execute` allow them (local
 * development). The address checked is the one the socket connects to (http-transport.ts), so a DNS answer
 * that changes between a check and the connection (DNS rebinding) cannot get past it.
 */
import ipaddr from 'ipaddr.js';
import { EngineError } from '../shared/index.ts';

export interface AddressPolicyOptions {
  /** Host names (`api.example.com`, `*.example.com`), addresses and CIDRs always allowed; checked first. */
  allow?: readonly string[];
  /** Refused in addition to the defaults. A host name allowed by name skips the address check. */
  deny?: readonly string[];
  /** Loopback and private ranges (see above). Default false: a server's own network is not reachable. */
  allowPrivateNetworks?: boolean;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Cloud metadata endpoints outside the always-denied ranges (AWS's IPv6 one, Alibaba's in CGNAT). */
const metadataAddresses = ['fd00:ec2::254/128', '100.100.100.200/32'].map((cidr) => ipaddr.parseCIDR(cidr));
const metadataNames = ['metadata.google.internal', 'metadata.goog', 'metadata'];

const alwaysDenied = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'reserved', 'deprecatedSiteLocal', 'discard', 'benchmarking']);
const privateRanges = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal']);
const localNat64 = ipaddr.parseCIDR('64:ff9b:1::/48');

export class AddressPolicy {
  private readonly allow: Rules;
  private readonly deny: Rules;
  private readonly allowPrivate: boolean;

  constructor(options: AddressPolicyOptions = {}) {
    this.allow = new Rules(options.allow ?? [], 'allow');
    this.deny = new Rules([...metadataNames, ...(options.deny ?? [])], 'deny');
    this.allowPrivate = options.allowPrivateNetworks ?? false;
  }

  /** Whether a host name is allowed by name (its addresses are then not checked). */
  allowsName(host: string): boolean {
    return this.allow.hasName(host);
  }

  /** Why a host name is refused by name, or null. */
  refusesName(host: string): string | null {
    return this.deny.hasName(host) ? `host ${host} is denied` : null;
  }

  /** Why an address is refused, or null when it may be connected to. */
  refusal(text: string): string | null {
    let address: Address;
    try {
      address = ipaddr.parse(text);
    } catch {
      return `${text} is not an IP address`;
    }
    const candidates = [address, ...embeddedIPv4(address)];
    if (candidates.some((candidate) => this.allow.hasAddress(candidate))) return null;
    for (const candidate of candidates) {
      const why = this.judge(candidate, address);
      if (why !== null) return candidate === address ? `address ${text} is ${why}` : `address ${text} embeds ${candidate.toString()}, which is ${why}`;
    }
    return null;
  }

  private judge(address: Address, original: Address): string | null {
    if (this.deny.hasAddress(address)) return 'denied by http.deny';
    if (metadataAddresses.some((cidr) => matches(address, cidr))) return 'a cloud metadata endpoint';
    const range = address.range();
    if (alwaysDenied.has(range)) return `${range} (always denied)`;
    const local = privateRanges.has(range) || (address === original && matches(address, localNat64));
    if (local && !this.allowPrivate) return `${range === 'rfc6052' ? 'local-use NAT64' : range} (private networks are denied; see http.allowPrivateNetworks)`;
    return null;
  }
}

function matches(address: Address, [range, bits]: [Address, number]): boolean {
  return address.kind() === range.kind() && address.match(range, bits);
}

/** The IPv4 addresses an IPv6 address carries, in every standard embedding. */
function embeddedIPv4(address: Address): ipaddr.IPv4[] {
  if (address.kind() !== 'ipv6') return [];
  const parts = (address as ipaddr.IPv6).parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const zero = (from: number, to: number) => parts.slice(from, to).every((part) => part === 0);
  const range = address.range();
  if (range === 'loopback' || range === 'unspecified') return [];
  if (zero(0, 5) && (parts[5] === 0 || parts[5] === 0xffff)) return [v4(parts[6], parts[7])]; // compatible, mapped
  if (zero(0, 4) && parts[4] === 0xffff && parts[5] === 0) return [v4(parts[6], parts[7])]; // translated
  if (parts[0] === 0x64 && parts[1] === 0xff9b) return [v4(parts[6], parts[7])]; // NAT64, both prefixes
  if (parts[0] === 0x2002) return [v4(parts[1], parts[2])]; // 6to4
  if (parts[0] === 0x2001 && parts[1] === 0) return [v4(parts[2], parts[3]), v4(~parts[6] & 0xffff, ~parts[7] & 0xffff)]; // Teredo
  return [];
}

class Rules {
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly ranges: Array<[Address, number]> = [];

  constructor(entries: readonly string[], option: string) {
    for (const raw of entries) {
      const entry = String(raw).trim().toLowerCase();
      if (entry.includes('/') || ipaddr.isValid(entry)) {
        try {
          this.ranges.push(entry.includes('/') ? ipaddr.parseCIDR(entry) : hostRange(ipaddr.parse(entry)));
        } catch {
          throw new EngineError('CONFIG_INVALID', `http.${option} has an invalid CIDR or address '${raw}'`);
        }
      } else if (/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(entry)) {
        if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1).replace(/\.$/, ''));
        else this.names.add(entry.replace(/\.$/, ''));
      } else {
        throw new EngineError('CONFIG_INVALID', `http.${option} has an entry that is neither a host name, an address nor a CIDR: '${raw}'`);
      }
    }
  }

  hasName(host: string): boolean {
    return this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  hasAddress(address: Address): boolean {
    return this.ranges.some((range) => matches(address, range));
  }
}

function hostRange(address: Address): [Address, number] {
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}
