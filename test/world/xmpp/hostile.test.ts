// Bad input from the server (RFC 6120 §11.1 restricted XML, oversized stanzas,
// garbage): a stream error, logged, no crash, and the client reconnects.
import { describe, expect, it } from "vitest";
import { useCleanup } from "../index.js";
import { next } from "./helpers.js";
import { startFakeServer } from "./fake-server.js";
import { XmppClient, type XmppMessage } from "../../../packages/core/src/xmpp/index.js";
import type { CusaxError } from "../../../packages/core/src/util/errors.js";

const track = useCleanup();

describe("hostile server input", () => {
  it("survives a DTD, a 300 KiB stanza and garbage, reconnecting each time", async () => {
    const garbage = Buffer.concat([Buffer.from([0, 255, 254, 60, 60, 62, 38, 59]), Buffer.from("</nope>")]);
    const server = track(
      await startFakeServer([
        "<!DOCTYPE lol [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;'>]><message><body>&lol2;</body></message>",
        `<message from='bob@fake.test/x' type='chat'><body>${"x".repeat(300 * 1024)}</body></message>`,
        garbage,
        "<message from='bob@fake.test/x' type='chat' id='ok-1'><body>still alive</body></message>",
      ]),
    );
    const client = track(
      new XmppClient({
        service: `xmpps://127.0.0.1:${server.port}`,
        domain: server.domain,
        username: "alice",
        password: "pw",
        ca: server.caPem,
        backoff: { baseMs: 50, maxMs: 200 },
      }),
    );
    const errors: CusaxError[] = [];
    const messages: XmppMessage[] = [];
    client.on("error", (e) => errors.push(e));
    client.on("message", (m) => messages.push(m));
    const alive = next(client, "message", (m) => m.body === "still alive", 30_000);
    await client.start();
    await alive;
    expect(server.connections).toBe(4);
    expect(errors.map((e) => `${e.kind}:${"condition" in e ? String(e.condition) : ""}`)).toEqual(
      expect.arrayContaining(["stream:restricted-xml", "stream:policy-violation", "stream:not-well-formed"]),
    );
    // RFC 6120 §4.9.3: the server was told why, with the specific condition.
    expect(server.streamErrors).toEqual(expect.arrayContaining(["restricted-xml", "policy-violation"]));
    // Nothing from the hostile stanzas got through.
    expect(messages.map((m) => m.body)).toEqual(["still alive"]);
    expect(client.state).toBe("online");
  });
});
