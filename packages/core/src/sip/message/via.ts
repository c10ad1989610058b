// RFC 3261 §20.42 Via, §18.2.1 received, RFC 3581 rport, RFC 5118 §4.5 IPv6 received.
import { isIP, isIPv4, isIPv6 } from "node:net";
import type { Via } from "./types.js";
import { parseParams, serializeParams } from "./name-addr.js";
import { fail, HOST, isToken, scanSet, skipWs, TOKEN } from "./scan.js";

/** Parse one via-parm: sent-protocol LWS sent-by *( SEMI via-params ). */
export function parseVia(s: string): Via {
  const end = s.length;
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport (SLASH = SWS "/" SWS)
  let i = skipWs(s, 0, end);
  const parts: string[] = [];
  for (let k = 0; k < 3; k++) {
    const j = scanSet(s, i, end, TOKEN);
    if (j === i) fail("bad sent-protocol", i);
    parts.push(s.slice(i, j));
    i = skipWs(s, j, end);
    if (k < 2) {
      if (s.charCodeAt(i) !== 47) fail("expected / in sent-protocol", i);
      i = skipWs(s, i + 1, end);
    }
  }
  const [name, version, transport] = parts as [string, string, string];
  const hostStart = i;
  let hostEnd: number;
  if (s.charCodeAt(i) === 91) {
    hostEnd = s.indexOf("]", i) + 1;
    if (hostEnd <= 0 || !isIPv6(s.slice(i + 1, hostEnd - 1))) fail("bad IPv6 reference in Via", i);
  } else {
    hostEnd = scanSet(s, i, end, VIAHOST);
  }
  if (hostEnd === hostStart) fail("missing sent-by host", i);
  const via: Via = {
    protocol: `${name.toUpperCase()}/${version}`,
    transport: transport.toUpperCase(),
    host: s.slice(hostStart, hostEnd),
    params: new Map(),
  };
  i = skipWs(s, hostEnd, end);
  if (s.charCodeAt(i) === 58) {
    const p = skipWs(s, i + 1, end);
    let j = p;
    while (j < end && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    const port = Number(s.slice(p, j));
    if (j === p || j - p > 5 || port > 65535) fail("bad port in Via", p);
    via.port = port;
    i = j;
  }
  i = parseParams(s, i, end, via.params);
  if (skipWs(s, i, end) !== end) fail("unexpected character in Via", i);
  checkViaParams(via);
  return via;
}

const VIAHOST = (() => {
  const t = HOST.slice();
  t[58] = 0; // ":" starts the port outside brackets
  t[91] = 0;
  t[93] = 0;
  return t;
})();

function checkViaParams(via: Via): void {
  const p = via.params;
  const branch = p.get("branch");
  if (branch !== undefined && (branch === null || !isToken(branch))) fail("bad branch", 0);
  const ttl = p.get("ttl");
  if (ttl !== undefined && (ttl === null || !/^\d{1,3}$/.test(ttl) || Number(ttl) > 255)) fail("bad ttl", 0);
  const received = p.get("received");
  if (received !== undefined) {
    // RFC 3261 says IPv6address; RFC 5118 §4.5: accept the bracketed form too.
    const bare = received?.startsWith("[") && received.endsWith("]") ? received.slice(1, -1) : received;
    if (bare === null || bare === undefined || !isIP(bare)) fail("bad received address", 0);
  }
  const rport = p.get("rport");
  if (rport !== undefined && rport !== null && (!/^\d{1,5}$/.test(rport) || Number(rport) > 65535)) fail("bad rport", 0);
  const maddr = p.get("maddr");
  if (maddr !== undefined && maddr === null) fail("maddr without value", 0);
}

export function serializeVia(v: Via): string {
  const port = v.port === undefined ? "" : `:${v.port}`;
  return `${v.protocol}/${v.transport} ${v.host}${port}${serializeParams(v.params)}`;
}

export function viaBranch(v: Via): string | undefined {
  return v.params.get("branch") ?? undefined;
}

/** sent-by as "host:port" (port omitted when absent). */
export function viaSentBy(v: Via): string {
  return v.port === undefined ? v.host : `${v.host}:${v.port}`;
}

/** True when `host` is an IPv4 address or IPv6 reference (not a name). */
export function isIpHost(host: string): boolean {
  return isIPv4(host) || (host.startsWith("[") && isIPv6(host.slice(1, -1)));
}
