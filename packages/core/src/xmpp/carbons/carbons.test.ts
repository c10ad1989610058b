import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml, xml } from "../xml.js";
import { markPrivate, serializeCarbonsEnable, unwrapCarbon } from "./carbons.js";
import { parseMessage } from "../chat/message.js";

const text = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("XEP-0280 carbons", () => {
  it("builds enable", () => {
    expect(serializeCarbonsEnable().toString()).toBe(`<iq type="set"><enable xmlns="urn:xmpp:carbons:2"/></iq>`);
  });
  it("unwraps a received copy", () => {
    const r = unwrapCarbon(parseXml(text("carbon-received.xml")), "romeo@montague.example/home");
    expect(r.kind).toBe("carbon");
    if (r.kind !== "carbon") return;
    expect(r.direction).toBe("received");
    expect(parseMessage(r.message)).toMatchObject({ from: "juliet@capulet.example/balcony", body: "What man art thou?", thread: "0e3141cd80894871a68e6fe6b1ec56fa" });
  });
  it("unwraps a sent copy", () => {
    const r = unwrapCarbon(parseXml(text("carbon-sent.xml")), "romeo@montague.example/garden");
    expect(r).toMatchObject({ kind: "carbon", direction: "sent" });
  });
  it("§11: rejects copies not from our bare JID", () => {
    const forged = text("carbon-received.xml").replace("from='romeo@montague.example'", "from='mallory@evil.example'");
    expect(unwrapCarbon(parseXml(forged), "romeo@montague.example/home")).toMatchObject({ kind: "rejected" });
    const fullJid = text("carbon-received.xml").replace("from='romeo@montague.example'", "from='romeo@montague.example/other'");
    expect(unwrapCarbon(parseXml(fullJid), "romeo@montague.example/home")).toMatchObject({ kind: "rejected" });
  });
  it("leaves other messages alone and marks private ones", () => {
    expect(unwrapCarbon(xml("message", { from: "a@b/c" }, xml("body", {}, "x")), "me@b/r")).toEqual({ kind: "none" });
    expect(markPrivate(xml("message")).toString()).toBe(`<message><private xmlns="urn:xmpp:carbons:2"/><no-copy xmlns="urn:xmpp:hints"/></message>`);
  });
});
