// mcnet DNS: message codec (pure), server protocol and reply builder, captive-portal mode, and a
// stub resolver that Manager.connect uses for names. `import * as dns from "mcnet/dns"`.

export * from "./constants";
export { DnsError, type DnsErrorCode, type DnsMessage, type DnsQuestion, type DnsRecord, type EdnsOption, type OPTRecord } from "./message";
export type { ARecord, AAAARecord, CNAMERecord, NSRecord, PTRRecord, MXRecord, TXTRecord, SRVRecord, SOARecord, RawRecord } from "./message";
export { decode, decodeRdata, readHeader, readRecord, type DecodeLimits, type DecodeResult, type DnsHeader } from "./decode";
export { encode, encodingLength } from "./encode";
export { DnsWriter, Section, type SectionId } from "./writer";
export { NameCompressor, canonicalName, nameWireLength, readName, sameName, skipName, writeName } from "./name";
export { formatIPv4, formatIPv6, isIPv4, isIPv6, parseIPv4, parseIPv6 } from "./ip";
export { DnsReply, headerOnlyReply, type ReplyOptions } from "./reply";
export { DnsProtocol, attach, createReply, sendReply, type DnsServerOptions } from "./server";
export { CaptiveDnsProtocol, captive, type CaptiveOptions } from "./captive";
export { createQueryScan, scanSimpleQuery, type QueryScan } from "./scan";
export { buildQuery, sendQuery, randomId, type QueryOptions } from "./query";
export { HostsTable, hostsFromConfig, parseHosts, type HostsLimits } from "./hosts";
export {
  Resolver,
  parseNameserver,
  type Nameserver,
  type ResolveError,
  type ResolveOptions,
  type ResolveResult,
  type ResolveSource,
  type ResolverOptions,
} from "./resolver";

import type { Manager } from "../core/manager";
import { Resolver, type ResolverOptions } from "./resolver";

/** Create a resolver and make it the Manager's (so connect("tcp://name:port") resolves through it). */
export function installResolver(mgr: Manager, options?: ResolverOptions): Resolver {
  return new Resolver(mgr, options).install();
}
