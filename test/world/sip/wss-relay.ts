// A wss:// front for the world's Kamailio (whose WebSocket port is plain ws://): TLS with the world's
// certificate, the "sip" subprotocol (RFC 7118 §4.1) unless told to refuse it, each frame relayed as is.
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import WebSocket, { WebSocketServer } from "ws";
import type { Kamailio } from "../index.js";

export type WssRelay = { port: number; stop(): Promise<void> };

export async function startWssRelay(k: Kamailio, { speakSip = true } = {}): Promise<WssRelay> {
  const server = createServer({ cert: readFileSync(k.caFile), key: readFileSync(join(k.dir, `${k.domain}.key`)) });
  const wss = new WebSocketServer({ server, handleProtocols: (offered) => (speakSip && offered.has("sip") ? "sip" : false) });
  wss.on("connection", (client) => {
    const upstream = new WebSocket(k.websocketUrl, "sip");
    const pending: string[] = [];
    upstream.on("open", () => pending.splice(0).forEach((m) => upstream.send(m)));
    client.on("message", (d) => {
      const text = d.toString();
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else pending.push(text);
    });
    upstream.on("message", (d) => client.send(d.toString()));
    client.on("close", () => upstream.close());
    upstream.on("close", () => client.close());
    client.on("error", () => upstream.close());
    upstream.on("error", () => client.close());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
