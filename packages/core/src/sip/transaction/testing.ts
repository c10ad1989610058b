// Unit-test kit for RFC 3261 §17: a recording fake transport and message builders. Not exported by index.ts.
import { FakeClock } from "../../util/clock.js";
import { parseSipMessage, type SipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import type {
  ClientFailure,
  ClientTransactionUser,
  ServerFailure,
  SipTarget,
  TransactionContext,
  TransactionTransport,
} from "./transaction.js";
import { DEFAULT_TIMERS } from "./timers.js";

export const UDP: SipTarget = { transport: "UDP", host: "192.0.2.20", port: 5060 };
export const TCP: SipTarget = { transport: "TCP", host: "192.0.2.20", port: 5060 };

export type Sent = { at: number; message: SipMessage; target: SipTarget };

/** Records what is sent, with the clock's time; `failWith` makes sends throw ("sync") or reject ("async"). */
export class FakeTransport implements TransactionTransport {
  readonly sent: Sent[] = [];
  failWith: "sync" | "async" | undefined;

  constructor(private readonly clock: FakeClock) {}

  send(message: SipMessage, target: SipTarget): void | Promise<void> {
    if (this.failWith === "sync") throw new Error("ECONNREFUSED");
    this.sent.push({ at: this.clock.now(), message, target });
    if (this.failWith === "async") return Promise.reject(new Error("ECONNRESET"));
  }

  reliable(target: SipTarget): boolean {
    return target.transport !== "UDP";
  }

  /** Send times of messages whose start line begins with `what` ("INVITE", "ACK", 486...). */
  times(what: string | number): number[] {
    return this.sent.filter(({ message: m }) => (m.kind === "request" ? m.method : m.status) === what).map((s) => s.at);
  }
}

export function setup(target: SipTarget = UDP) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const ctx: TransactionContext = { transport, clock, timers: { ...DEFAULT_TIMERS }, target };
  return { clock, transport, ctx };
}

/** A client TU that records what it is told. */
export function clientUser() {
  const responses: number[] = [];
  const failures: ClientFailure[] = [];
  const user: ClientTransactionUser = {
    onResponse: (r) => responses.push(r.status),
    onFailure: (f) => failures.push(f),
  };
  return { user, responses, failures };
}

/** A server transaction owner that records what it is told. */
export function serverUser() {
  const acks: SipRequest[] = [];
  const failures: ServerFailure[] = [];
  return { user: { onAck: (a: SipRequest) => acks.push(a), onFailure: (f: ServerFailure) => failures.push(f) }, acks, failures };
}

/** Lets queued microtasks run (transport errors are reported asynchronously). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export type RequestOptions = {
  method?: string;
  branch?: string;
  sentBy?: string;
  cseq?: number;
  cseqMethod?: string;
  uri?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  extra?: string[];
};

export function request(o: RequestOptions = {}): SipRequest {
  const method = o.method ?? "INVITE";
  const branch = o.branch ?? "z9hG4bK776asdhds";
  const lines = [
    `${method} ${o.uri ?? "sip:bob@biloxi.example.com"} SIP/2.0`,
    `Via: SIP/2.0/UDP ${o.sentBy ?? "pc33.atlanta.example.com"};branch=${branch}`,
    "Max-Forwards: 70",
    `To: Bob <sip:bob@biloxi.example.com>${o.toTag ? `;tag=${o.toTag}` : ""}`,
    `From: Alice <sip:alice@atlanta.example.com>;tag=${o.fromTag ?? "1928301774"}`,
    `Call-ID: ${o.callId ?? "a84b4c76e66710@pc33.atlanta.example.com"}`,
    `CSeq: ${o.cseq ?? 314159} ${o.cseqMethod ?? method}`,
    "Contact: <sip:alice@pc33.atlanta.example.com>",
    ...(o.extra ?? []),
    "Content-Length: 0",
  ];
  return parseSipMessage(lines.join("\r\n") + "\r\n\r\n") as SipRequest;
}

/** A response to `req` (RFC 3261 §8.2.6.2: Via, From, To, Call-ID, CSeq copied), with a To tag unless 100. */
export function response(req: SipRequest, status: number, toTag = "a6c85cf"): SipResponse {
  const h = req.headers;
  const to = h.get("To")!;
  const lines = [
    `SIP/2.0 ${status} Reason`,
    ...h.getAll("Via").map((v) => `Via: ${v}`),
    `To: ${status === 100 || /;tag=/.test(to) ? to : `${to};tag=${toTag}`}`,
    `From: ${h.get("From")}`,
    `Call-ID: ${h.get("Call-ID")}`,
    `CSeq: ${h.get("CSeq")}`,
    "Content-Length: 0",
  ];
  return parseSipMessage(lines.join("\r\n") + "\r\n\r\n") as SipResponse;
}
