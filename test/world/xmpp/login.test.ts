// Logging in: STARTTLS (RFC 6120 §5), direct TLS (XEP-0368), WebSocket (RFC 7395);
// clear errors for bad credentials, an unreachable server and a wrong certificate.
import { execFileSync } from "node:child_process";
import { createServer as createTlsServer } from "node:tls";
import { createServer as createTcpServer } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startProsody, useCleanup, freePort, makeWorldDir, removeWorldDir, type Prosody } from "../index.js";
import { makeClient, next } from "./helpers.js";

const track = useCleanup();
let prosody: Prosody;

describe("XMPP login", () => {
  it.each(["starttls", "tls", "ws"] as const)("logs in over %s with certificate verification", async (via) => {
    prosody ??= track(await startProsody({ users: ["alice", "bob"] }));
    const client = track(makeClient(prosody, "alice", { via, resource: `r-${via}` }));
    const { jid } = await client.start();
    expect(jid).toBe(`alice@${prosody.domain}/r-${via}`);
    expect(client.state).toBe("online");
    await client.stop();
    expect(client.state).toBe("stopped");
  });

  it("a wrong password fails quickly with SaslError not-authorized", async () => {
    prosody ??= track(await startProsody({ users: ["alice", "bob"] }));
    const client = makeClient(prosody, "alice", { password: "not-the-password" });
    // A hang would run into the test's time-out; a retry loop would not end in "stopped".
    await expect(client.start()).rejects.toMatchObject({ kind: "sasl", condition: "not-authorized" });
    expect(client.state).toBe("stopped");
  });

  it("an unreachable server gives a TransportError", async () => {
    prosody ??= track(await startProsody({ users: ["alice", "bob"] }));
    const port = await freePort();
    const client = makeClient(prosody, "alice", { service: `xmpp://127.0.0.1:${port}` });
    await expect(client.start()).rejects.toMatchObject({ kind: "transport", message: expect.stringContaining("ECONNREFUSED") });
  });

  it("without a configured service, finds the server by SRV and skips a dead candidate", async () => {
    prosody ??= track(await startProsody({ users: ["alice", "bob"] }));
    const dead = await freePort();
    const srv = {
      async resolveSrv(name: string) {
        // A dead direct-TLS candidate first, then Prosody's STARTTLS port (loopback only).
        if (name === `_xmpps-client._tcp.${prosody.domain}`) return [{ name: "127.0.0.1", port: dead, priority: 0, weight: 0 }];
        if (name === `_xmpp-client._tcp.${prosody.domain}`) return [{ name: "127.0.0.1", port: prosody.ports.c2s, priority: 5, weight: 0 }];
        throw new Error(`unexpected look-up ${name}`);
      },
    };
    const client = makeClient(prosody, "alice", { service: undefined, srvResolver: srv });
    const { jid } = await client.start();
    expect(jid).toMatch(new RegExp(`^alice@${prosody.domain}/`));
    await client.stop();
  });

  it("an untrusted certificate gives a TransportError with the TLS reason", async () => {
    prosody ??= track(await startProsody({ users: ["alice", "bob"] }));
    const client = makeClient(prosody, "alice", { ca: [] });
    await expect(client.start()).rejects.toMatchObject({ kind: "transport", message: expect.stringMatching(/^TLS: .*SELF_SIGNED/) });
  });

  it("a certificate for another name gives a TransportError with the TLS reason", async () => {
    // A TLS server whose (trusted) certificate names other.test, while we expect example.test.
    const dir = makeWorldDir("wrong-cert");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=other.test",
      "-addext", "subjectAltName=DNS:other.test", "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem")], { stdio: "ignore" });
    const cert = readFileSync(join(dir, "c.pem"), "utf8");
    const server = createTlsServer({ key: readFileSync(join(dir, "k.pem")), cert }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const client = new (await import("../../../packages/core/src/xmpp/index.js")).XmppClient({
        service: `xmpps://127.0.0.1:${port}`, domain: "example.test", username: "alice", password: "x", ca: cert,
      });
      await expect(client.start()).rejects.toMatchObject({ kind: "transport", message: expect.stringMatching(/^TLS: ERR_TLS_CERT_ALTNAME_INVALID/) });
    } finally {
      server.close();
      removeWorldDir(dir, false);
    }
  });

  it("refuses plaintext ws:// to a non-loopback host", async () => {
    const { XmppClient } = await import("../../../packages/core/src/xmpp/index.js");
    const client = new XmppClient({ service: "ws://example.com/ws", domain: "example.com", username: "a", password: "b" });
    await expect(client.start()).rejects.toMatchObject({ kind: "config" });
  });

  it("refuses to authenticate on xmpp:// when the server offers no STARTTLS", async () => {
    const server = createTcpServer((s) => {
      s.once("data", () =>
        s.write(
          "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x' from='example.test' version='1.0'>" +
            "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
        ),
      );
      s.on("data", (d) => {
        if (d.toString().includes("<auth")) s.write("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
      });
      s.on("error", () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const { XmppClient } = await import("../../../packages/core/src/xmpp/index.js");
      const client = new XmppClient({ service: `xmpp://127.0.0.1:${port}`, domain: "example.test", username: "alice", password: "secret" });
      await expect(client.start()).rejects.toMatchObject({ kind: "transport", message: expect.stringContaining("STARTTLS") });
    } finally {
      server.close();
    }
  });

  it("keeps a versioned roster: an unchanged roster is not sent again (RFC 6121 §2.6)", async () => {
    prosody ??= track(await startProsody({ users: ["alice", "bob"] }));
    const first = makeClient(prosody, "alice");
    await first.start();
    const bob = `bob@${prosody.domain}`;
    const added = next(first, "rosterChange", (c) => c.kind === "set" && c.item.jid === bob);
    await first.rosterAdd({ jid: bob, name: "Bob" });
    await added;
    const ver = first.rosterVersion;
    expect(ver).toBeTruthy();
    await first.stop();
    // Seeded with that version plus an item the server never had: an "unchanged" answer keeps it.
    const items = [...first.roster(), { jid: "ghost@example.invalid", subscription: "none" as const, groups: [] }];
    const second = makeClient(prosody, "alice", { roster: { ver: ver!, items } });
    await second.start();
    expect(second.roster().map((i) => i.jid).sort()).toEqual([bob, "ghost@example.invalid"]);
    await second.stop();
  });
});
