// World-test kit for RFC 3261 §10 / §18: our transport, transaction layer and a Registration wired
// together against the world's Kamailio, plus raw sockets to poke our listening ports.
import { randomUUID } from "node:crypto";
import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { realClock } from "../../../packages/core/src/util/clock.js";
import { parseSipMessage, type SipRequest, type SipResponse } from "../../../packages/core/src/sip/message/index.js";
import { TransactionLayer } from "../../../packages/core/src/sip/transaction/index.js";
import { statelessReply, TransportLayer, type SipTarget, type TransportName } from "../../../packages/core/src/sip/transport/index.js";
import { Registration, type RegistrationOptions } from "../../../packages/core/src/sip/register/index.js";
import type { SipServer } from "../index.js";

export type Stack = {
  transport: TransportLayer;
  transactions: TransactionLayer;
  registration: Registration;
  target: SipTarget;
  instanceId: string;
  requests: SipRequest[];
  stop(): Promise<void>;
};

export function kamailioTarget(k: SipServer, transport: TransportName): SipTarget {
  // WSS: the world's Kamailio has none; callers point `port` at a relay (wss-relay.ts).
  const port = transport === "UDP" ? k.ports.udp : transport === "TCP" ? k.ports.tcp : transport === "TLS" ? k.ports.tls : k.ports.ws;
  return { transport, host: k.host, port, servername: k.domain };
}

/** Our SIP stack on loopback, registering `user` at Kamailio over `transport`; answers OPTIONS 200. */
export async function startStack(
  k: SipServer,
  transport: TransportName,
  opts: Partial<RegistrationOptions> & { user?: string; tlsCa?: string[]; servername?: string; port?: number } = {},
): Promise<Stack> {
  const { user: name = "alice", tlsCa: _ca, servername: _sn, port: _port, ...regOpts } = opts;
  const user = k.users[name]!;
  const requests: SipRequest[] = [];
  const box: { tx?: TransactionLayer } = {};
  const tl = new TransportLayer({
    user: { onMessage: (m, source) => box.tx?.receive(m, source) },
    listen: { host: k.host },
    domain: k.domain,
    tls: { ca: opts.tlsCa ?? [k.caPem] },
  });
  const tx = new TransactionLayer({
    transport: tl,
    clock: realClock,
    user: {
      onRequest(request, server) {
        requests.push(request);
        const status = request.method === "OPTIONS" ? 200 : 501;
        server.respond(parseSipMessage(statelessReply(request, status, status === 200 ? "OK" : "Not Implemented")) as SipResponse);
      },
      onAck: () => undefined,
      onStrayResponse: () => undefined,
      onServerFailure: () => undefined,
    },
  });
  box.tx = tx;
  await tl.start();
  const target = {
    ...kamailioTarget(k, transport),
    ...(opts.servername ? { servername: opts.servername } : {}),
    ...(opts.port ? { port: opts.port } : {}),
  };
  const instanceId = randomUUID();
  const registration = new Registration({
    transactions: tx,
    transport: tl,
    clock: realClock,
    aor: user.aor,
    target,
    instanceId,
    credentials: { username: user.name, password: user.password },
    expires: 60,
    ...regOpts,
  });
  return {
    transport: tl, transactions: tx, registration, target, instanceId, requests,
    async stop() {
      if (registration.state !== "unregistered") await registration.stop(2_000);
      tx.close();
      await tl.stop();
    },
  };
}

/** The binding lines of `kamcmd ul.dump` for an AoR user, or "" when it holds none. */
export async function bindingOf(k: SipServer, user: string): Promise<string> {
  const dump = await k.registrations();
  const at = dump.indexOf(`AoR: ${user}`);
  if (at < 0) return "";
  const next = dump.indexOf("AoR: ", at + 5);
  return dump.slice(at, next < 0 ? undefined : next);
}

/** Sends datagrams one by one from one socket and collects every reply until `done` says so. */
export function udpExchange(port: number, datagrams: (string | Buffer)[], done: (replies: string[]) => boolean, timeoutMs = 10_000): Promise<string[]> {
  const sock = createSocket("udp4");
  const replies: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no end condition; replies: ${JSON.stringify(replies.map((r) => r.split("\r\n")[0]))}`)), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(replies);
    };
    sock.on("message", (m) => {
      replies.push(m.toString("latin1"));
      if (done(replies)) finish();
    });
    sock.bind(0, "127.0.0.1", async () => {
      for (const d of datagrams) await new Promise<void>((r) => sock.send(d, port, "127.0.0.1", () => r()));
    });
  });
}

/** Opens a TCP connection, writes `data`, and resolves with what was read once the peer closes or `enough` holds. */
export function tcpExchange(
  port: number,
  data: string | Buffer,
  enough: (text: string) => boolean = () => false,
  timeoutMs = 10_000,
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s: Socket = connect({ host: "127.0.0.1", port });
    let text = "";
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false });
    }, timeoutMs);
    s.on("data", (d) => {
      text += d.toString("latin1");
      if (!enough(text)) return;
      clearTimeout(timer);
      s.destroy();
      resolve({ text, closed: false });
    });
    s.on("error", () => undefined);
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    s.on("connect", () => s.write(data));
  });
}

/** A well-formed OPTIONS from a raw socket at 127.0.0.1:`fromPort` (0 when unknown). */
export function rawOptions(callId: string, transport = "UDP", fromPort = 9): string {
  const branch = `z9hG4bK${randomUUID().slice(0, 8)}`;
  return (
    `OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/${transport} 127.0.0.1:${fromPort};branch=${branch};rport\r\nMax-Forwards: 70\r\n` +
    `From: <sip:probe@example.test>;tag=p1\r\nTo: <sip:alice@example.test>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`
  );
}
