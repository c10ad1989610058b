// SIP message parsing (RFC 3261 §7): cusax against JsSIP and SIP.js.
//
//   node --expose-gc --import tsx bench/sip-parse.bench.ts   (memory figures need --expose-gc)
//   npx tsx bench/sip-parse.bench.ts
//
// Each parser gets the input its transport hands it: ours a Buffer from the
// socket (UTF-8 decoding included in the time), JsSIP and SIP.js a string
// (their WebSocket transports receive text). A "cusax (string)" row is shown too.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { parseSipMessage } from "../packages/core/src/sip/message/index.js";

type ParseFn = (input: Buffer, text: string) => unknown;
interface Peer {
  name: string;
  parse?: ParseFn;
  /** Why the peer could not be loaded. */
  error?: string;
  peer: boolean;
}
interface Row {
  name: string;
  perSecond?: number;
  bytesPerMessage?: number;
  failures?: number;
  note?: string;
  peer: boolean;
}

// ------------------------------------------------------------------ corpus

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"];
const DOMAINS = ["atlanta.example.com", "biloxi.example.com", "chicago.example.net", "example.org"];

/** A few hundred realistic messages: INVITE+SDP, 100/180/200, ACK, BYE, REGISTER+auth, 401, NOTIFY, MESSAGE, OPTIONS. */
export function buildCorpus(count = 400, seed = 7): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join("");
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const [a, b] = [pick(NAMES), pick(NAMES)];
    const [da, db] = [pick(DOMAINS), pick(DOMAINS)];
    const ip = `192.0.2.${1 + Math.floor(r() * 250)}`;
    const branch = `z9hG4bK${hex(16)}`;
    const callId = `${hex(20)}@${ip}`;
    const tagA = hex(8);
    const tagB = hex(8);
    const cseq = 1 + Math.floor(r() * 5000);
    const proxies = Math.floor(r() * 3);
    const vias = Array.from({ length: proxies }, (_, i) => `Via: SIP/2.0/UDP proxy${i}.${db};branch=z9hG4bK${hex(12)};received=198.51.100.${i + 1}`);
    const rr = proxies > 0 ? [`Record-Route: ${Array.from({ length: proxies }, (_, i) => `<sip:proxy${i}.${db};lr>`).join(", ")}`] : [];
    const sdp = [
      "v=0", `o=${a} ${hex(6)} ${hex(6)} IN IP4 ${ip}`, "s=-", `c=IN IP4 ${ip}`, "t=0 0",
      `m=audio ${10000 + Math.floor(r() * 20000) * 2} RTP/AVP 0 8 9 101`, "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
      "a=rtpmap:9 G722/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv", "",
    ].join("\r\n");
    const from = `From: "${a[0]!.toUpperCase()}${a.slice(1)}" <sip:${a}@${da}>;tag=${tagA}`;
    const to = `To: <sip:${b}@${db}>`;
    const toTagged = `${to};tag=${tagB}`;
    const myVia = `Via: SIP/2.0/UDP ${ip}:5060;branch=${branch};rport`;
    const common = (method: string) => [`Max-Forwards: 70`, `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`];
    const contact = `Contact: <sip:${a}@${ip}:5060;transport=udp>;+sip.instance="<urn:uuid:${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}>"`;
    const kind = n % 10;
    let lines: string[];
    let body = "";
    switch (kind) {
      case 0:
      case 1:
        lines = [`INVITE sip:${b}@${db} SIP/2.0`, ...vias, myVia, from, to, ...common("INVITE"), contact,
          "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, NOTIFY, REFER, UPDATE", "Supported: replaces, timer, 100rel",
          "User-Agent: cusax-bench/1.0", "Content-Type: application/sdp"];
        body = sdp;
        break;
      case 2:
        lines = [`SIP/2.0 200 OK`, ...vias, myVia, ...rr, from, toTagged, `Call-ID: ${callId}`, `CSeq: ${cseq} INVITE`,
          `Contact: <sip:${b}@198.51.100.${Math.floor(r() * 200)}>`, "Content-Type: application/sdp"];
        body = sdp;
        break;
      case 3:
        lines = [`SIP/2.0 ${pick([100, 180, 183])} ${pick(["Trying", "Ringing", "Session Progress"])}`, ...vias, myVia, from,
          toTagged, `Call-ID: ${callId}`, `CSeq: ${cseq} INVITE`];
        break;
      case 4:
        lines = [`REGISTER sip:${da} SIP/2.0`, myVia, `From: <sip:${a}@${da}>;tag=${tagA}`, `To: <sip:${a}@${da}>`,
          ...common("REGISTER"), `${contact};reg-id=1;expires=3600`, "Supported: gruu, outbound, path",
          `Authorization: Digest username="${a}", realm="${da}", nonce="${hex(32)}", uri="sip:${da}", response="${hex(32)}", algorithm=MD5, cnonce="${hex(8)}", qop=auth, nc=00000001, opaque="${hex(16)}"`,
          "Expires: 3600"];
        break;
      case 5:
        lines = [`SIP/2.0 401 Unauthorized`, myVia.replace(";rport", `;rport=5060;received=${ip}`), `From: <sip:${a}@${da}>;tag=${tagA}`,
          `To: <sip:${a}@${da}>;tag=${tagB}`, `Call-ID: ${callId}`, `CSeq: ${cseq} REGISTER`,
          `WWW-Authenticate: Digest realm="${da}", nonce="${hex(32)}", opaque="${hex(16)}", algorithm=MD5, qop="auth"`];
        break;
      case 6:
        lines = [`NOTIFY sip:${a}@${ip}:5060 SIP/2.0`, ...vias, `Via: SIP/2.0/TCP ${db};branch=${branch}`, `From: <sip:${b}@${db}>;tag=${tagB}`,
          `To: <sip:${a}@${da}>;tag=${tagA}`, ...common("NOTIFY"), `Contact: <sip:${b}@${db};transport=tcp>`,
          "Event: dialog", "Subscription-State: active;expires=3599", "Content-Type: application/dialog-info+xml"];
        body = `<?xml version="1.0"?>\r\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${cseq}" state="full" entity="sip:${b}@${db}">\r\n<dialog id="${hex(8)}"><state>confirmed</state></dialog>\r\n</dialog-info>\r\n`;
        break;
      case 7:
        lines = [`MESSAGE sip:${b}@${db} SIP/2.0`, myVia, from, to, ...common("MESSAGE"), "Content-Type: text/plain;charset=utf-8"];
        body = `Hello ${b}, are you there? (${hex(6)}) ça va? 👋`;
        break;
      case 8:
        lines = [`BYE sip:${b}@198.51.100.7:5060 SIP/2.0`, myVia, ...rr.map((x) => x.replace("Record-Route", "Route")), from, toTagged, ...common("BYE")];
        break;
      default: {
        const method = pick(["OPTIONS", "ACK"]);
        lines = [`${method} sip:${b}@${db} SIP/2.0`, myVia, from, toTagged, ...common(method), "Accept: application/sdp", "Content-Length: 0"];
        break;
      }
    }
    if (!lines.some((l) => l.startsWith("Content-Length"))) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    out.push(`${lines.join("\r\n")}\r\n\r\n${body}`);
  }
  return out;
}

// ------------------------------------------------------------------ peers

const silentLogger = { warn() {}, error() {}, log() {}, debug() {} };

async function loadPeers(): Promise<Peer[]> {
  const peers: Peer[] = [
    { name: "cusax (Buffer)", parse: (buf) => parseSipMessage(buf), peer: false },
    { name: "cusax (string)", parse: (_buf, text) => parseSipMessage(text), peer: false },
  ];
  try {
    const require = createRequire(import.meta.url);
    const jssip = require("jssip/lib/Parser.js") as { parseMessage(data: string, ua: unknown): unknown };
    const ua = {}; // IncomingRequest only stores it
    peers.push({ name: "JsSIP", parse: (_buf, text) => jssip.parseMessage(text, ua), peer: true });
  } catch (e) {
    peers.push({ name: "JsSIP", error: e instanceof Error ? e.message : String(e), peer: true });
  }
  try {
    const spec = "sip.js/lib/core/messages/parser.js";
    const mod = (await import(spec)) as { Parser: { parseMessage(data: string, logger: unknown): unknown } };
    peers.push({ name: "SIP.js", parse: (_buf, text) => mod.Parser.parseMessage(text, silentLogger), peer: true });
  } catch (e) {
    peers.push({ name: "SIP.js", error: e instanceof Error ? e.message : String(e), peer: true });
  }
  return peers;
}

// ------------------------------------------------------------------ measuring

function countFailures(parse: ParseFn, bufs: Buffer[], texts: string[]): number {
  let failures = 0;
  for (let i = 0; i < bufs.length; i++) {
    try {
      if (parse(bufs[i]!, texts[i]!) === undefined) failures++;
    } catch {
      failures++;
    }
  }
  return failures;
}

/** Best of `runs` timed passes of about `ms` each, in messages per second. */
function throughput(parse: ParseFn, bufs: Buffer[], texts: string[], runs: number, ms: number): number {
  let sink = 0;
  const pass = () => {
    for (let i = 0; i < bufs.length; i++) if (parse(bufs[i]!, texts[i]!) !== undefined) sink++;
  };
  const warm = performance.now();
  while (performance.now() - warm < ms) pass();
  let best = 0;
  for (let k = 0; k < runs; k++) {
    let count = 0;
    const t0 = performance.now();
    let t1 = t0;
    while (t1 - t0 < ms) {
      pass();
      count += bufs.length;
      t1 = performance.now();
    }
    best = Math.max(best, count / ((t1 - t0) / 1000));
  }
  if (sink < 0) console.log(sink);
  return best;
}

/** Retained heap per parsed message (heap delta after gc / count), or undefined without --expose-gc. */
function memoryPerMessage(parse: ParseFn, bufs: Buffer[], texts: string[], copies: number): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  const keep: unknown[] = [];
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let c = 0; c < copies; c++) for (let i = 0; i < bufs.length; i++) keep.push(parse(bufs[i]!, texts[i]!));
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const per = (after - before) / keep.length;
  keep.length = 0;
  return per;
}

function table(rows: Row[], fastestPeer: number | undefined): string {
  const header = ["parser", "msgs/s", "vs fastest peer", "bytes/msg retained", "failed"];
  const body = rows.map((r) => [
    r.name,
    r.perSecond === undefined ? "-" : Math.round(r.perSecond).toLocaleString("en-US"),
    r.perSecond === undefined || fastestPeer === undefined ? "-" : `${(r.perSecond / fastestPeer).toFixed(2)}x`,
    r.bytesPerMessage === undefined ? (r.perSecond === undefined ? "-" : "n/a (--expose-gc)") : Math.round(r.bytesPerMessage).toLocaleString("en-US"),
    r.note ?? String(r.failures ?? 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(fmt)].join("\n");
}

export async function main(opts: { count?: number; runs?: number; ms?: number } = {}): Promise<Row[]> {
  const texts = buildCorpus(opts.count ?? 400);
  const bufs = texts.map((t) => Buffer.from(t, "utf8"));
  const bytes = bufs.reduce((n, b) => n + b.length, 0);
  console.log(`corpus: ${texts.length} messages, ${Math.round(bytes / texts.length)} bytes average; node ${process.version}`);
  const peers = await loadPeers();
  const rows: Row[] = [];
  for (const p of peers) {
    if (!p.parse) {
      rows.push({ name: p.name, note: `not loaded: ${p.error}`, peer: p.peer });
      continue;
    }
    const failures = countFailures(p.parse, bufs, texts);
    const perSecond = throughput(p.parse, bufs, texts, opts.runs ?? 5, opts.ms ?? 400);
    const bytesPerMessage = memoryPerMessage(p.parse, bufs, texts, 5);
    rows.push({ name: p.name, perSecond, bytesPerMessage, failures, peer: p.peer });
  }
  const peerRates = rows.filter((r) => r.peer && r.perSecond !== undefined).map((r) => r.perSecond!);
  const fastestPeer = peerRates.length > 0 ? Math.max(...peerRates) : undefined;
  console.log(table(rows, fastestPeer));
  const ours = rows[0]?.perSecond;
  if (ours !== undefined && fastestPeer !== undefined) {
    const ratio = ours / fastestPeer;
    console.log(`goal: cusax >= 2x the faster peer -> ${ratio.toFixed(2)}x ${ratio >= 2 ? "(met)" : "(NOT met)"}`);
  } else {
    console.log("goal: no peer parser could be measured, no ratio to report");
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
