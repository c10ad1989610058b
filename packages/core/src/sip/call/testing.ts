// Unit-test kit for RFC 3261 §13-§15 scenarios: a fake network carrying serialized messages between user
// agents and scripted peers, fake SDP hooks, and a transcript of start lines. Not exported by index.ts.
import { FakeClock } from "../../util/clock.js";
import { createLogger, type LogRecord } from "../../util/log.js";
import type { DigestCredentials } from "../auth/index.js";
import { buildResponse, type ResponseSpec } from "../dialog/index.js";
import { parseSipMessage, serializeSipMessage, type SipMessage, type SipRequest } from "../message/index.js";
import type { SipTarget, TransactionTransport } from "../transaction/index.js";
import type { CallConfig, CallMedia, MediaDirection } from "./types.js";
import { SipUaCore } from "./user-agent-core.js";

type Node = (message: SipMessage, source: SipTarget) => void;

const key = (t: { host: string; port: number }) => `${t.host}:${t.port}`;

export function label(m: SipMessage): string {
  return m.kind === "request" ? m.method : String(m.status);
}

/** Messages are serialized and parsed again on the way, and delivered in a microtask. */
export class FakeNetwork {
  readonly clock = new FakeClock();
  readonly log: { from: string; to: string; message: SipMessage }[] = [];
  private readonly nodes = new Map<string, Node>();
  /** Return true to lose a message (it still shows in the log, marked dropped). */
  drop: ((m: SipMessage) => boolean) | undefined;
  readonly dropped: SipMessage[] = [];

  attach(address: SipTarget, node: Node): TransactionTransport {
    this.nodes.set(key(address), node);
    return { send: (m, target) => this.deliver(address, m, target), reliable: () => false };
  }

  private deliver(from: SipTarget, message: SipMessage, to: SipTarget): void {
    const wire = serializeSipMessage(message);
    if (this.drop?.(message)) {
      this.dropped.push(message);
      return;
    }
    this.log.push({ from: key(from), to: key(to), message });
    queueMicrotask(() => this.nodes.get(key(to))?.(parseSipMessage(wire), from));
  }

  /** Start lines in order: "INVITE", "180", "200", "ACK"... */
  transcript(): string[] {
    return this.log.map((e) => label(e.message));
  }

  /** Lets deliveries and promise chains run (no timers move). */
  async settle(): Promise<void> {
    for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** Moves the fake clock, letting messages flow between steps. */
  async advance(ms: number, step = 100): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      this.clock.advance(Math.min(step, ms - t));
      await this.settle();
    }
  }
}

export function fakeSdp(name: string, direction: MediaDirection): string {
  return `v=0\r\no=${name} 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=${direction}\r\n`;
}

/** SDP hooks that record what the call asked. */
export class FakeMedia implements CallMedia {
  readonly offers: MediaDirection[] = [];
  readonly applied: string[] = [];
  readonly dtmf: string[] = [];
  closed = false;

  constructor(readonly name: string) {}

  offer(direction: MediaDirection): string {
    this.offers.push(direction);
    return fakeSdp(this.name, direction);
  }

  answer(offer: string, direction: MediaDirection): string {
    const theirs = /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(offer)?.[1];
    const mine = theirs === "sendonly" ? "recvonly" : theirs === "inactive" ? "inactive" : direction;
    return fakeSdp(this.name, mine);
  }

  applyAnswer(answer: string): void {
    this.applied.push(answer);
  }

  sendDtmf(digits: string): void {
    this.dtmf.push(digits);
  }

  close(): void {
    this.closed = true;
  }
}

export type TestUaOptions = {
  config?: Partial<CallConfig>; credentials?: DigestCredentials; port?: number; proxy?: SipTarget;
  /** Route values preloaded on requests outside dialogs (the outbound proxy). */
  routes?: string[];
};

/** A SipUaCore on the fake network at `host`:5060, identity sip:name@host. */
export function testUa(net: FakeNetwork, name: string, host: string, options: TestUaOptions = {}) {
  const address: SipTarget = { transport: "UDP", host, port: options.port ?? 5060 };
  const medias: FakeMedia[] = [];
  const holder: { core?: SipUaCore } = {};
  const transport = net.attach(address, (m, source) => holder.core?.receive(m, source));
  const records: LogRecord[] = [];
  const core = new SipUaCore({
    transport,
    clock: net.clock,
    log: createLogger({ sink: (r) => records.push(r), level: "debug" }),
    ...(options.routes ? { outboundRoutes: options.routes } : {}),
    identity: `<sip:${name}@${host}>`,
    credentials: () => options.credentials,
    via: () => ({ transport: "UDP", host, port: address.port }),
    contact: () => `<sip:${name}@${host}:${address.port}>`,
    anonymousContact: () => `<sip:anon-${name}@${host}:${address.port}>`,
    resolve: (uri) => options.proxy ?? (typeof uri === "string" || uri.scheme === "tel" ? undefined : { transport: "UDP", host: uri.host, port: uri.port ?? 5060 }),
    media: {
      create: () => {
        const m = new FakeMedia(name);
        medias.push(m);
        return m;
      },
    },
    config: options.config,
    random: () => 0.5,
  });
  holder.core = core;
  return { core, medias, address, name, records };
}

/** A peer driven by the test: it records requests and answers them by hand. */
export class ScriptedPeer {
  readonly received: { message: SipMessage; source: SipTarget }[] = [];
  private readonly transport: TransactionTransport;

  constructor(
    private readonly net: FakeNetwork,
    readonly address: SipTarget,
  ) {
    this.transport = net.attach(address, (message, source) => this.received.push({ message, source }));
  }

  /** The last request received with this method. */
  request(method: string): SipRequest {
    const found = [...this.received].reverse().find((r) => r.message.kind === "request" && r.message.method === method);
    if (!found) throw new Error(`peer got no ${method}`);
    return found.message as SipRequest;
  }

  requests(method: string): SipRequest[] {
    return this.received.filter((r) => r.message.kind === "request" && r.message.method === method).map((r) => r.message as SipRequest);
  }

  /** Answers `request` back to where it came from. */
  reply(request: SipRequest, status: number, spec: ResponseSpec = {}): void {
    const from = this.received.find((r) => r.message === request)?.source;
    if (!from) throw new Error("unknown request");
    void this.transport.send(buildResponse(request, status, spec), from);
  }

  send(message: SipMessage, to: SipTarget): void {
    void this.transport.send(message, to);
  }
}
