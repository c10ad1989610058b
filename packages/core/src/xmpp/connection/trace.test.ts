// The XMPP protocol trace (trace.ts): a SASL exchange (RFC 6120 §6.4, PLAIN and SCRAM payloads) and a
// password element are traced with direction and peer but never their secrets; chat bodies only on request.
import { EventEmitter } from "node:events";
import { xml, type Entity } from "@xmpp/client";
import { describe, expect, it } from "vitest";
import { createLogger, type LogRecord } from "../../util/log.js";
import { contentTraced } from "../../util/trace.js";
import { traceXmpp } from "./trace.js";

const SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const PASSWORD = "s3cr3t-Pa55";
const b64 = (s: string) => Buffer.from(s).toString("base64");

function rig(options: { content?: boolean; level?: "debug" | "info" } = {}) {
  const records: LogRecord[] = [];
  const entity = Object.assign(new EventEmitter(), { socket: { remoteAddress: "127.0.0.1", remotePort: 5222 } });
  const log = createLogger({ scope: "xmpp", level: options.level ?? "debug", sink: (r) => records.push(r) });
  traceXmpp(entity as unknown as Entity, log, options.content === undefined ? {} : { content: options.content });
  return { records, entity };
}

describe("XMPP protocol trace", () => {
  it("shows a SASL exchange in both directions with the peer, and none of its payloads or the password", () => {
    const { records, entity } = rig();
    const plain = b64(`\0alice\0${PASSWORD}`);
    const clientFinal = b64("c=biws,r=abcNONCEserver,p=dHlwZSBwcm9vZiBoZXJl");
    const serverFirst = b64("r=abcNONCEserver,s=c2FsdA==,i=4096");
    const serverFinal = b64("v=c2VydmVyIHNpZ25hdHVyZQ==");
    entity.emit("send", xml("auth", { xmlns: SASL, mechanism: "PLAIN" }, plain));
    entity.emit("element", xml("challenge", { xmlns: SASL }, serverFirst));
    entity.emit("send", xml("response", { xmlns: SASL }, clientFinal));
    entity.emit("element", xml("success", { xmlns: SASL }, serverFinal));
    entity.emit("send", xml("iq", { type: "set", id: "r1" }, xml("query", { xmlns: "jabber:iq:register" }, xml("username", {}, "alice"), xml("password", {}, PASSWORD))));
    expect(records.map((r) => [r.scope, r.msg, r.fields?.peer])).toEqual([
      ["xmpp.trace", "xmpp out", "127.0.0.1:5222"],
      ["xmpp.trace", "xmpp in", "127.0.0.1:5222"],
      ["xmpp.trace", "xmpp out", "127.0.0.1:5222"],
      ["xmpp.trace", "xmpp in", "127.0.0.1:5222"],
      ["xmpp.trace", "xmpp out", "127.0.0.1:5222"],
    ]);
    expect(records[0]!.fields!.text).toBe(`<auth xmlns="${SASL}" mechanism="PLAIN">[redacted]</auth>`);
    const all = JSON.stringify(records);
    for (const secret of [plain, clientFinal, serverFirst, serverFinal, PASSWORD]) expect(all).not.toContain(secret);
    expect(all).toContain("<username>alice</username>");
  });

  it("leaves chat bodies out unless asked, and then shows them", () => {
    const chat = () => xml("message", { to: "bob@example.test", type: "chat" }, xml("body", {}, "see you at 5"));
    const quiet = rig();
    quiet.entity.emit("send", chat());
    expect(quiet.records[0]!.fields!.text).toContain("<body>[12 characters left out; CUSAX_TRACE=xmpp shows them]</body>");
    const loud = rig({ content: true });
    loud.entity.emit("send", chat());
    expect(loud.records[0]!.fields!.text).toContain("<body>see you at 5</body>");
  });

  it("writes nothing when debug is off", () => {
    const { records, entity } = rig({ level: "info" });
    entity.emit("element", xml("presence", {}));
    expect(records).toEqual([]);
  });
});

describe("CUSAX_TRACE", () => {
  it("names the protocols whose content is traced", () => {
    expect(contentTraced("xmpp", "sip,xmpp")).toBe(true);
    expect(contentTraced("sip", "xmpp")).toBe(false);
    expect(contentTraced("sip", "all")).toBe(true);
    expect(contentTraced("sip", "")).toBe(false);
  });
});
