// RFC 6120 §5 (STARTTLS), §6 (SASL), XEP-0368 (direct TLS), RFC 7395 (WebSocket):
// an @xmpp/client entity with our sockets, parser guard and SASL policy.
import { StringDecoder } from "node:string_decoder";
import { client, type Entity, type Element, type Parser, type TransportClass } from "@xmpp/client";
import { xml } from "../xml.js";
import { ConfigError, SaslError, TransportError } from "../../util/errors.js";
import { guardedParser, DEFAULT_MAX_STANZA_BYTES, XmlGuardError } from "./xml-guard.js";
import { scramMechanism, type ScramExchange } from "./sasl-scram.js";
import { TcpSocket, TlsSocket, WsSocket, type TlsTrust } from "./sockets.js";

export const NS_STREAM = "http://etherx.jabber.org/streams";
export const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
export const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";

export type EntityOptions = {
  service: string;
  domain: string;
  username: string;
  password: string;
  resource?: string;
  ca?: readonly string[];
  maxStanzaBytes?: number;
};

/** RFC 6120 §13.8 / protocol.md §9: SCRAM first; PLAIN only inside TLS. */
export function chooseMechanism(offered: readonly string[], secure: boolean): string | undefined {
  const order = ["SCRAM-SHA-256", "SCRAM-SHA-1", ...(secure ? ["PLAIN"] : [])];
  return order.find((m) => offered.includes(m));
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

/** Accepts xmpp://, xmpps://, wss:// anywhere and ws:// on loopback only (no TLS there). */
export function checkService(service: string): void {
  let url: URL;
  try {
    url = new URL(service);
  } catch {
    throw new ConfigError(`bad XMPP service URI ${service}`);
  }
  if (!["xmpp:", "xmpps:", "ws:", "wss:"].includes(url.protocol)) throw new ConfigError(`unsupported XMPP service scheme ${url.protocol}`);
  // DEVIATION(protocol.md §9): plaintext WebSocket is allowed to loopback only, for local servers and tests.
  if (url.protocol === "ws:" && !LOOPBACK.has(url.hostname)) throw new ConfigError("ws:// is only allowed to loopback; use wss://");
}

type Ctor = new () => object;

function findTransport(entity: Entity, sample: string): TransportClass {
  const t = entity.transports.find((T) => {
    try {
      return T.prototype.socketParameters(sample) !== undefined;
    } catch {
      return false;
    }
  });
  if (!t) throw new ConfigError(`no transport for ${sample}`);
  return t;
}

function bind(Base: TransportClass, Socket: Ctor, max: number): TransportClass {
  const B = Base as unknown as new () => { Socket: unknown; Parser: unknown };
  class Bound extends B {}
  Bound.prototype.Socket = Socket;
  Bound.prototype.Parser = guardedParser(Base.prototype.Parser as never, max);
  return Bound as unknown as TransportClass;
}

function installTransports(entity: Entity, trust: TlsTrust, max: number): void {
  const tcp = findTransport(entity, "xmpp://h:1");
  const direct = findTransport(entity, "xmpps://h:1");
  const ws = findTransport(entity, "ws://h:1/x");
  class BoundTls extends TlsSocket {
    constructor() {
      super(trust);
    }
  }
  class BoundWs extends WsSocket {
    constructor() {
      super(trust);
    }
  }
  entity.transports.length = 0;
  entity.transports.push(bind(direct, BoundTls, max), bind(tcp, TcpSocket, max), bind(ws, BoundWs, max));
}

function nextNonza(entity: Entity): Promise<Element> {
  return new Promise((resolve, reject) => {
    const onNonza = (el: Element) => (off(), resolve(el));
    const onError = (err: Error) => (off(), reject(err));
    const off = () => {
      entity.removeListener("nonza", onNonza as never);
      entity.removeListener("error", onError as never);
    };
    entity.on("nonza", onNonza as never);
    entity.on("error", onError as never);
  });
}

/** RFC 6120 §5.4: negotiate TLS on a plaintext TCP stream; refuse to go on without it (§5.3.1). */
async function startTls(entity: Entity, features: Element, socket: TcpSocket, trust: TlsTrust): Promise<void> {
  if (!features.getChild("starttls", NS_TLS)) throw new TransportError("server offers no STARTTLS: refusing to authenticate in plaintext");
  const answer = nextNonza(entity);
  await entity.send(xml("starttls", { xmlns: NS_TLS }));
  const proceed = await answer;
  if (!proceed.is("proceed", NS_TLS)) throw new TransportError("STARTTLS failed (server said <failure/>)");
  const raw = socket.release();
  if (!raw) throw new TransportError("socket closed during STARTTLS");
  const secured = new TlsSocket(trust);
  await new Promise<void>((resolve, reject) => {
    secured.once("connect", () => resolve());
    secured.once("error", (e: Error) => {
      raw.destroy();
      reject(tlsError(e));
    });
    secured.connect({ socket: raw });
  });
  entity._attachSocket(secured);
  await entity.restart();
}

export function tlsError(e: Error & { code?: string }): TransportError {
  return new TransportError(`TLS: ${e.code ?? "error"}: ${e.message}`, { cause: e });
}

function interceptStartTls(entity: Entity, trust: TlsTrust): void {
  const original = entity._onElement.bind(entity);
  entity._onElement = (el: Element) => {
    const socket = entity.socket;
    if (el.is("features", NS_STREAM) && socket instanceof TcpSocket) {
      startTls(entity, el, socket, trust).catch((err: unknown) => {
        entity.emit("error", err);
        entity.disconnect().catch(() => undefined);
      });
      return;
    }
    original(el);
  };
}

/**
 * @xmpp/connection writes every chunk to `this.parser`, which is null after a
 * parser error (TypeError, uncaught), and decodes each chunk alone (splitting
 * UTF-8 sequences). Ours drops data without a parser and decodes per socket.
 */
export function guardData(entity: Entity): void {
  let socket: unknown;
  let decoder = new StringDecoder("utf8");
  entity._onData = (data: Buffer | string) => {
    const parser = entity.parser;
    if (!parser) return;
    if (entity.socket !== socket) {
      socket = entity.socket;
      decoder = new StringDecoder("utf8");
    }
    try {
      parser.write(typeof data === "string" ? data : decoder.write(data));
    } catch (err) {
      // guardedParser already turns parse failures into events; this is a last resort.
      entity.emit("error", err);
      entity.disconnect().catch(() => undefined);
    }
  };
}

/**
 * RFC 6120 §4.9.3: send the specific condition (restricted-xml,
 * policy-violation...) our parser guard found, not @xmpp's generic bad-format.
 */
function specificStreamErrors(entity: Entity): void {
  let condition: string | undefined;
  const attach = entity._attachParser.bind(entity);
  entity._attachParser = (parser: Parser) => {
    parser.on("error", (err: Error) => {
      if (err instanceof XmlGuardError) condition = err.violation.condition;
    });
    attach(parser);
  };
  const streamError = entity._streamError.bind(entity);
  entity._streamError = (cond: string, children?: Element[]) => {
    const chosen = condition ?? cond;
    condition = undefined;
    return streamError(chosen, children);
  };
}

/** RFC 5802 §3 / RFC 6120 §6.4.6: the server proves it knows our key in `<success/>`; a wrong proof ends the login. */
export function verifyServerSignature(entity: Entity, current: () => ScramExchange | undefined, done: () => void): void {
  entity.on("nonza", ((el: Element) => {
    const x = current();
    if (!x || !el.is("success", NS_SASL)) return;
    done();
    if (x.verifyServerFinal(Buffer.from(el.text(), "base64").toString("utf8"))) return;
    entity.emit("error", new SaslError("server-signature-mismatch", "the server's SCRAM signature is wrong: not our server"));
    entity.disconnect().catch(() => undefined);
  }) as never);
  entity.on("disconnect", done);
}

/** Builds the entity (not started). Its built-in fixed-delay reconnect is off: the facade backs off itself. */
export function createEntity(opts: EntityOptions): Entity {
  checkService(opts.service);
  const trust: TlsTrust = opts.ca ? { domain: opts.domain, ca: opts.ca } : { domain: opts.domain };
  const entity = client({
    service: opts.service,
    domain: opts.domain,
    resource: opts.resource,
    username: opts.username,
    credentials: async (authenticate, mechanisms, _fast, e) => {
      const mech = chooseMechanism(mechanisms, e.isSecure());
      if (!mech) throw new SaslError("invalid-mechanism", `no acceptable SASL mechanism among: ${mechanisms.join(", ")}`);
      await authenticate({ username: opts.username, password: opts.password }, mech);
    },
  });
  entity.reconnect.stop();
  markIqRepliesHandled(entity);
  zeroInboundCountOnEnable(entity);
  // Our SCRAM (node:crypto PBKDF2) replaces @xmpp's SCRAM-SHA-1, which takes ~0.6 s per login.
  const factory = entity.saslFactory;
  let exchange: ScramExchange | undefined;
  const remember = (x: ScramExchange) => (exchange = x);
  factory._mechs = factory._mechs.filter((m) => m.name !== "SCRAM-SHA-1");
  factory.use(scramMechanism("SCRAM-SHA-256", "sha256", remember) as never);
  factory.use(scramMechanism("SCRAM-SHA-1", "sha1", remember) as never);
  verifyServerSignature(entity, () => exchange, () => (exchange = undefined));
  installTransports(entity, trust, opts.maxStanzaBytes ?? DEFAULT_MAX_STANZA_BYTES);
  interceptStartTls(entity, trust);
  guardData(entity);
  specificStreamErrors(entity);
  return entity;
}

/**
 * Works around a race in @xmpp/iq 0.14: an error reply that arrives before the
 * request's own write has completed (common on loopback) rejects a promise
 * nobody listens to yet, which Node reports as an unhandled rejection. The
 * rejection still reaches the caller; this only marks it as observed.
 */
function markIqRepliesHandled(entity: Entity): void {
  const handlers = (entity.iqCaller as unknown as { handlers: Map<string, { promise: Promise<unknown> }> }).handlers;
  const set = handlers.set.bind(handlers);
  handlers.set = (id, deferred) => {
    deferred.promise.catch(() => undefined);
    return set(id, deferred);
  };
}

/**
 * Works around a race in @xmpp/stream-management 0.14: after a failed
 * resumption it resets the inbound count only when <enabled/> has been
 * processed, but Prosody sends <r/> right behind <enabled/>, so the answer
 * could carry the old session's count; the server then ends the new session
 * (seen here: a message queued while offline went down with it). XEP-0198 §4:
 * the count starts at zero when <enable/> is sent.
 */
function zeroInboundCountOnEnable(entity: Entity): void {
  const send = entity.send.bind(entity);
  entity.send = (el: Element) => {
    if (el.name === "enable" && el.attrs.xmlns === "urn:xmpp:sm:3") entity.streamManagement.inbound = 0;
    return send(el);
  };
}
