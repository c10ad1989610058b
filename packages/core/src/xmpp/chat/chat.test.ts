import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml, xml } from "../xml.js";
import { ownStanzaId, parseMessage, serializeMessage, serializeReceipt } from "./message.js";
import { newThreadId, ThreadBook } from "./thread.js";
import { MessageDedup, messageKeys } from "./dedup.js";

const text = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const fixture = (name: string) => parseXml(text(name));

describe("chat messages", () => {
  it("parses body, thread, receipt request, chat state, ids and reach", () => {
    const m = parseMessage(fixture("chat-in.xml"))!;
    expect(m).toMatchObject({
      from: "bob@example.net/slix",
      type: "chat",
      id: "m-17",
      body: "Shall we call?",
      thread: "5c1b0f3a9d7e4a2c8f61b3e0d4a7c925",
      receiptRequested: true,
      chatState: "active",
      originId: "o-17",
      reach: [{ uri: "sip:bob@example.net" }],
    });
    expect(m.extensions.map((e) => e.attrs.xmlns)).toEqual(["urn:example:other"]);
    // XEP-0359 §4: only our own server's stanza-id counts.
    expect(ownStanzaId(m, "alice@example.com")).toBe("arch-9");
    expect(ownStanzaId(m, "carol@example.com")).toBeUndefined();
  });

  it("parses a receipt", () => {
    expect(parseMessage(fixture("receipt-in.xml"))).toMatchObject({ receiptFor: "m-1", type: "normal", receiptRequested: false });
  });

  it("serializes the golden outgoing message", () => {
    const el = serializeMessage({ to: "bob@example.net", id: "m-1", body: "hi & bye", thread: "t1", requestReceipt: true, chatState: "active" });
    expect(el.toString()).toBe(text("chat-out.xml").trim());
    expect(parseMessage(parseXml(el.toString()))).toMatchObject({ body: "hi & bye", thread: "t1", originId: "m-1" });
  });

  it("carries reach when asked (protocol.md §4)", () => {
    const el = serializeMessage({ to: "b@x", id: "r1", body: "call me", reach: [{ uri: "sip:a@x;gr=1" }, { uri: "sip:a@x" }] });
    expect(parseMessage(parseXml(el.toString()))?.reach).toEqual([{ uri: "sip:a@x;gr=1" }, { uri: "sip:a@x" }]);
  });

  it("a bare chat state is not stored and never asks a receipt", () => {
    const el = serializeMessage({ to: "b@x", id: "c1", chatState: "composing", requestReceipt: true });
    expect(el.getChild("request")).toBeUndefined();
    expect(el.getChild("no-store", "urn:xmpp:hints")).toBeDefined();
  });

  it("receipts carry the acknowledged id and the thread", () => {
    const r = parseMessage(parseXml(serializeReceipt("bob@x/r", "m-9", "r-9", "t").toString()))!;
    expect(r).toMatchObject({ receiptFor: "m-9", thread: "t", id: "r-9" });
  });

  it("reads errors as data", () => {
    const m = parseMessage(
      parseXml(
        "<message type='error' from='x@y' id='m-2'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
      ),
    );
    expect(m?.error).toEqual({ condition: "service-unavailable", type: "cancel" });
    expect(parseMessage(xml("presence"))).toBeUndefined();
  });
});

describe("threads", () => {
  it("are 128-bit hex, fresh each time", () => {
    const a = newThreadId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newThreadId()).not.toBe(a);
  });
  it("replies reuse the peer's thread", () => {
    let n = 0;
    const book = new ThreadBook(() => `t${++n}`);
    expect(book.forPeer("bob@x")).toBe("t1");
    expect(book.forPeer("bob@x")).toBe("t1");
    book.received("carol@x", "theirs");
    expect(book.forPeer("carol@x")).toBe("theirs");
  });
});

describe("dedup", () => {
  it("recognises the same message by stanza-id, origin-id or id", () => {
    const d = new MessageDedup();
    const m = parseMessage(fixture("chat-in.xml"))!;
    expect(d.firstTime(messageKeys(m, "alice@example.com"))).toBe(true);
    expect(d.firstTime(messageKeys(m, "alice@example.com"))).toBe(false);
    // The same message from the archive: only the archive id matches.
    const fromArchive = { ...m, id: undefined, originId: undefined, stanzaIds: [] };
    expect(d.firstTime(messageKeys(fromArchive, "alice@example.com", "arch-9"))).toBe(false);
    expect(d.firstTime(messageKeys({ ...m, id: "other", originId: undefined, stanzaIds: [] }, "alice@example.com"))).toBe(true);
  });
  it("forgets the oldest keys past its bound", () => {
    const d = new MessageDedup(2);
    d.firstTime(["a"]);
    d.firstTime(["b"]);
    d.firstTime(["c"]);
    expect(d.size).toBe(2);
    expect(d.firstTime(["a"])).toBe(true);
  });
});
