// RFC 3261 §8, §10, §13-§15, RFC 3263, RFC 3428, RFC 3515, RFC 5626/5627: the SIP facade. A thin composition
// root: transport + transaction layer + registration + the call core; behaviour lives in dialog/ and call/.
import { realClock, type Clock } from "../util/clock.js";
import { ConfigError } from "../util/errors.js";
import { Emitter } from "../util/events.js";
import { silentLogger, type Logger } from "../util/log.js";
import type { DigestCredentials } from "./auth/index.js";
import {
  SipUaCore, type AnswerOptions, type Call, type CallConfig, type CallEvents, type CallEnd, type CallState, type HoldState,
  type MediaHooks, type MessageResult, type OutgoingCallOptions, type ReceivedMessage, type TransferResult,
} from "./call/index.js";
import { IncomingCall, OutgoingCall } from "./call/index.js";
import { GruuRoutingState, type GruuRouting } from "./gruu-routing.js";
import { parseSipUri, serializeNameAddr, serializeUri, type AnyUri, type InfoValue, type SipUri } from "./message/index.js";
import { Registration, type FailureReason, type RegisteredInfo, type RegistrationFailure, type RegistrationState } from "./register/index.js";
import {
  defaultPort, resolveSipTargets, systemResolver, TransportLayer, type SipResolver, type SipTarget, type TransportName,
} from "./transport/index.js";

export type SipUserAgentOptions = {
  /** Our address of record, "sip:alice@example.com". */
  aor: string;
  displayName?: string;
  /** Digest user name (default: the AoR's user part). */
  username?: string;
  password?: string;
  /** Instead of `password`: asked per realm. */
  credentials?: (realm: string) => DigestCredentials | undefined;
  /** "sip:proxy.example.com:5060" (a `;transport=` param wins over `transport`); default: the AoR's domain. */
  outboundProxy?: string;
  transport?: "udp" | "tcp" | "tls" | "ws";
  /** Trusted CA certificates (PEM) for TLS / WSS. */
  ca?: string[];
  /** urn:uuid:... (RFC 5626 +sip.instance). */
  instanceId: string;
  clock?: Clock;
  logger?: Logger;
  mediaHooks: MediaHooks;
  /**
   * RFC 5626 §4.4: the outbound flow keep-alive interval in ms (CRLF on TCP/TLS, OPTIONS on UDP); it must
   * be below the NAT's UDP binding time-out. Default 30 s; 0 turns keep-alives off.
   */
  keepAliveMs?: number;
  /** Where we listen (default 0.0.0.0, any free port) and the host we advertise. */
  listen?: { host?: string; port?: number; advertise?: string };
  /** REGISTER on start (default true) and for how long (s). */
  register?: boolean;
  expires?: number;
  calls?: Partial<CallConfig>;
  userAgent?: string;
  /** DNS for RFC 3263 (NAPTR/SRV/A) look-ups of the outbound proxy or the AoR's domain; default: the system's. */
  resolver?: SipResolver;
};

export type SipUserAgentEvents = {
  registration: { from: RegistrationState; to: RegistrationState };
  registered: RegisteredInfo;
  registrationFailed: RegistrationFailure;
  incoming: SipCall;
  /** A call placed by us on the peer's request (REFER received, RFC 3515). */
  transferred: { from: SipCall; call: SipCall };
  message: ReceivedMessage;
};

/** One call as the application sees it: no transactions, no dialogs. */
export class SipCall {
  constructor(private readonly call: Call) {}

  get id(): string {
    return this.call.callId;
  }
  get direction(): "outgoing" | "incoming" {
    return this.call.direction;
  }
  get state(): CallState {
    return this.call.state;
  }
  get events(): Pick<Emitter<CallEvents>, "on" | "once"> {
    return this.call.events;
  }
  get outcome(): CallEnd | undefined {
    return this.call.outcome;
  }
  get holdState(): HoldState {
    return this.call.hold;
  }
  /** Call-Info values received (RFC 6993), parsed. */
  get remoteCallInfo(): readonly InfoValue[] {
    return this.call.remoteCallInfo;
  }
  /** The other party: From of an incoming call, the Request-URI of an outgoing one. */
  get remote(): string {
    const c = this.call;
    if (c instanceof IncomingCall) return c.from ? serializeNameAddr({ ...c.from, params: new Map() }) : "";
    return c instanceof OutgoingCall ? c.remoteUri : "";
  }
  answer(options?: AnswerOptions): Promise<boolean> {
    return this.call instanceof IncomingCall ? this.call.answer(options) : Promise.resolve(false);
  }
  /** Incoming and not answered yet: a final failure status (default 486). */
  reject(status = 486): void {
    if (this.call instanceof IncomingCall) this.call.reject(status);
  }
  /** 180 with Call-Info (otherwise the 180 goes out by itself after the `incoming` listeners ran). */
  ring(options?: AnswerOptions): void {
    if (this.call instanceof IncomingCall) this.call.ring(options);
  }
  hangup(): void {
    this.call.hangup();
  }
  hold(): Promise<boolean> {
    return this.call.putOnHold();
  }
  /** Why the last hold / resume / renegotiate returned false. */
  get lastUpdateFailure(): { method: string; status?: number; reason: string } | undefined {
    return this.call.lastUpdateFailure;
  }
  resume(): Promise<boolean> {
    return this.call.resume();
  }
  /** A re-INVITE with a fresh offer (media change), optionally with new Call-Info values. */
  renegotiate(options?: { callInfo?: readonly string[] }): Promise<boolean> {
    return this.call.renegotiate(options);
  }
  transfer(target: string): Promise<TransferResult> {
    return this.call.transfer(target);
  }
  sendDtmf(digits: string): Promise<void> {
    return this.call.sendDtmf(digits);
  }
}

export class SipUserAgent {
  readonly events = new Emitter<SipUserAgentEvents>();
  private readonly transport: TransportLayer;
  private readonly core: SipUaCore;
  private readonly registration: Registration | undefined;
  /** The first hop. Its address is found at start (RFC 3263) and filled in place: the registration holds this object. */
  private readonly proxy: SipTarget;
  private readonly proxyUri: SipUri;
  private readonly name: TransportName;
  private readonly handles = new WeakMap<Call, SipCall>();
  private readonly log: Logger;
  private readonly routingState: GruuRoutingState;

  constructor(private readonly options: SipUserAgentOptions) {
    const aor = parseSipUri(options.aor);
    if (aor.scheme === "tel" || !aor.user) throw new ConfigError(`aor must be a sip: URI with a user: ${options.aor}`);
    this.log = options.logger ?? silentLogger;
    const clock = options.clock ?? realClock;
    const proxyUri = parseSipUri(options.outboundProxy ?? `sip:${aor.host}`);
    this.proxyUri = proxyUri;
    this.name = (proxyUri.params.get("transport") ?? options.transport ?? "udp").toUpperCase() as TransportName;
    this.proxy = { transport: this.name, host: proxyUri.host, port: proxyUri.port ?? defaultPort(this.name), servername: aor.host };
    const box: { core?: SipUaCore } = {};
    const l = options.listen ?? {};
    this.transport = new TransportLayer({
      user: { onMessage: (m, source) => box.core?.receive(m, source) },
      listen: { host: l.host, udpPort: l.port, tcpPort: l.port },
      advertise: l.advertise,
      domain: aor.host,
      tls: { ca: options.ca },
      clock,
      log: this.log,
    });
    const credentials = this.credentials(aor.user);
    const route = `<${serializeUri(proxyUri)};lr>`;
    this.core = new SipUaCore({
      transport: this.transport,
      clock,
      log: this.log,
      identity: serializeNameAddr({ displayName: options.displayName, uri: { ...aor, params: new Map(), headers: [] }, params: new Map() }),
      credentials,
      via: () => ({ transport: this.name, host: this.transport.host, port: 0 }),
      // RFC 5627 §4.2, DECISION(protocol.md D23): the pub-gruu once a probe showed it routes in-dialog, else the registered contact.
      contact: () => `<${this.routingState.dialogContact()}>`,
      // protocol.md D2 / D23: calls with Privacy: id show the temp-gruu (it does not name us) when it routes.
      anonymousContact: () => `<${this.routingState.anonymousContact()}>`,
      resolve: (uri) => this.resolve(uri),
      outboundRoutes: [route],
      media: options.mediaHooks,
      config: { ...options.calls, userAgent: options.userAgent },
      reliableTransport: this.name !== "UDP",
    });
    box.core = this.core;
    this.routingState = new GruuRoutingState({
      gruu: () => this.registration?.gruu, tempGruu: () => this.registration?.tempGruu,
      registeredContact: () => serializeUri(this.transport.contactUri(this.name, aor.user)),
      anonymousFallback: () => serializeUri(this.transport.contactUri(this.name)),
    }, (gruu) => this.core.gruuProbes.probe(gruu), this.log);
    this.wireCore();
    if (options.register !== false) this.registration = this.createRegistration(clock, aor, credentials, route);
  }

  private createRegistration(clock: Clock, aor: SipUri, credentials: (realm: string) => DigestCredentials | undefined, route: string): Registration {
    const o = this.options;
    const registration = new Registration({
      transactions: this.core.layer, transport: this.transport, clock, aor: serializeUri({ ...aor, params: new Map(), headers: [] }),
      target: this.proxy, instanceId: o.instanceId, credentials, expires: o.expires, route: [route],
      displayName: o.displayName, userAgent: o.userAgent, log: this.log,
      ...(o.keepAliveMs !== undefined && { keepAliveMs: o.keepAliveMs }),
    });
    registration.events.on("state", (s) => this.events.emit("registration", s));
    // D23: a new GRUU is probed first, so listeners see only what we may publish.
    const published = (i: RegisteredInfo) => this.events.emit("registered", this.routingState.publicInfo(i));
    registration.events.on("registered", (i) => void this.routingState.registered(i.gruu).then(() => published(i)));
    registration.events.on("failed", (f) => this.events.emit("registrationFailed", f));
    return registration;
  }

  private credentials(user: string): (realm: string) => DigestCredentials | undefined {
    const { credentials, password, username } = this.options;
    if (credentials) return credentials;
    if (password === undefined) return () => undefined;
    return () => ({ username: username ?? user, password });
  }

  private wireCore(): void {
    this.core.events.on("incoming", (c) => this.events.emit("incoming", this.handle(c)));
    this.core.events.on("message", (m) => this.events.emit("message", m));
    this.core.events.on("transferred", ({ from, call }) => this.events.emit("transferred", { from: this.handle(from), call: this.handle(call) }));
  }

  private handle(call: Call): SipCall {
    let h = this.handles.get(call);
    if (!h) this.handles.set(call, (h = new SipCall(call)));
    return h;
  }

  /**
   * Next hop for a URI: IP literals directly (the route set or a Contact), names through the proxy.
   * TODO(RFC 3263): resolve other names per request; the transport layer's resolver is async.
   */
  private resolve(uri: AnyUri): SipTarget | undefined {
    if (typeof uri === "string" || uri.scheme === "tel") return this.proxy;
    const ip = /^\d+\.\d+\.\d+\.\d+$/.test(uri.host) || uri.host.startsWith("[");
    if (!ip) return this.proxy;
    const t = (uri.params.get("transport") ?? (uri.scheme === "sips" ? "tls" : this.name)).toUpperCase();
    const target: SipTarget = { transport: t, host: uri.host, port: uri.port ?? defaultPort(t) };
    if (t === this.name && uri.host === this.proxy.host && target.port === this.proxy.port) return this.proxy;
    return target;
  }

  /** Listens, then registers (unless `register: false`); resolves with the registration outcome. */
  async start(): Promise<{ ok: true; info?: RegisteredInfo } | { ok: false; reason: FailureReason | "stopped"; status?: number }> {
    await this.resolveProxy();
    await this.transport.start();
    if (!this.registration) return { ok: true };
    const r = await this.registration.start();
    if (!r.ok) return r;
    await this.routingState.registered(r.info.gruu);
    return { ok: true, info: this.routingState.publicInfo(r.info) };
  }

  /**
   * RFC 3263 §4: the outbound proxy (or the AoR's domain) by NAPTR/SRV/A for
   * our transport; an IP literal or explicit port is used as it is.
   * TODO(RFC 3263 §4.3): fail over to the next target on a transport error.
   */
  private async resolveProxy(): Promise<void> {
    const uri = this.proxyUri.params.has("transport") ? this.proxyUri : { ...this.proxyUri, params: new Map([...this.proxyUri.params, ["transport", this.name.toLowerCase()]]) };
    const targets = await resolveSipTargets(uri, { resolver: this.options.resolver ?? systemResolver, supported: [this.name] });
    const first = targets[0];
    if (!first) throw new ConfigError(`no address for the SIP proxy ${serializeUri(this.proxyUri)} over ${this.name}`);
    this.proxy.host = first.host;
    this.proxy.port = first.port;
    this.log.info("sip proxy resolved", { proxy: serializeUri(this.proxyUri), host: first.host, port: first.port });
  }

  /** Ends calls, un-registers, closes sockets. */
  async stop(): Promise<void> {
    this.core.close();
    await this.registration?.stop(2_000);
    this.core.layer.close();
    await this.transport.stop();
  }

  get registrationState(): RegistrationState {
    return this.registration?.state ?? "unregistered";
  }
  /** Our dialog Contact URI (D23). */
  get contact(): string {
    return this.routingState.dialogContact();
  }
  /** The pub-gruu, only when requests reach us through it (D23): reach, Call-Info and presence use it. */
  get gruu(): string | undefined {
    return this.routingState.published();
  }
  /** What the probe of the current pub-gruu found (D23). */
  get gruuRouting(): GruuRouting {
    return this.routingState.routing();
  }
  get calls(): SipCall[] {
    return this.core.calls.map((c) => this.handle(c));
  }

  /** Places a call to `target` ("sip:bob@example.com"); progress and the end come as events on the call. */
  call(target: string, options: OutgoingCallOptions = {}): SipCall {
    return this.handle(this.core.call(target, options));
  }

  sendMessage(to: string, text: string, contentType?: string): Promise<MessageResult> {
    return this.core.sendMessage(to, text, contentType);
  }
}
