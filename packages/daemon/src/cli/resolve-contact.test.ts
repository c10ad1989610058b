import { describe, expect, it } from "vitest";
import { pickCall, type CallEntry } from "./pick-call.js";
import { resolveContact, type ContactEntry } from "./resolve-contact.js";
import { parseSseChunk } from "./sse.js";

const contacts: ContactEntry[] = [
  { id: 1, name: "Bob Builder", jids: ["bob@example.test"], sip: ["sip:bob@example.test"], tel: [] },
  { id: 2, name: "Bobby", jids: ["bobby@example.test"], sip: [], tel: [] },
  { id: 3, jids: ["carol@example.test"], sip: ["sip:c.smith@voip.test"], tel: ["tel:+15551234"] },
];

describe("CONTACT on the command line", () => {
  it("takes JIDs and SIP URIs as given, filling in the other address when known", () => {
    expect(resolveContact(contacts, "Bob@Example.test")).toMatchObject({ jid: "bob@example.test", sip: "sip:bob@example.test" });
    expect(resolveContact(contacts, "sip:c.smith@voip.test")).toMatchObject({ sip: "sip:c.smith@voip.test", jid: "carol@example.test" });
    expect(resolveContact(contacts, "dave@example.test")).toEqual({ jid: "dave@example.test" });
    expect(resolveContact(contacts, "sip:erin@voip.test")).toEqual({ sip: "sip:erin@voip.test" });
  });

  it("finds a name by exact match before prefixes, and by the user part of an address", () => {
    expect(resolveContact(contacts, "bob")).toMatchObject({ jid: "bob@example.test" });
    expect(resolveContact(contacts, "carol")).toMatchObject({ jid: "carol@example.test" });
    expect(resolveContact(contacts, "c.smith")).toMatchObject({ jid: "carol@example.test" });
    expect(resolveContact(contacts, "bobby")).toMatchObject({ jid: "bobby@example.test" });
  });

  it("refuses unknown and ambiguous names with the candidates", () => {
    expect(() => resolveContact(contacts, "zelda")).toThrow('no contact matches "zelda"');
    expect(() => resolveContact(contacts, "bo")).toThrow(/"bo" matches 2 contacts[\s\S]*bob@example.test[\s\S]*bobby@example.test/);
  });
});

describe("which call a call command means", () => {
  const call = (id: string, direction: string, state: string): CallEntry => ({ id, direction, state, remote: `sip:${id}@x`, hold: { local: false, remote: false }, recording: "" });
  const ringing = (c: CallEntry) => c.direction === "incoming" && c.state === "ringing";

  it("takes the only fitting call, or the one named", () => {
    const calls = [call("a", "outgoing", "established"), call("b", "incoming", "ringing")];
    expect(pickCall(calls, undefined, ringing, "ringing call").id).toBe("b");
    expect(pickCall(calls, "a", ringing, "ringing call").id).toBe("a");
  });

  it("explains none, several, and a wrong id", () => {
    expect(() => pickCall([], undefined, ringing, "ringing incoming call")).toThrow("there is no ringing incoming call");
    expect(() => pickCall([call("a", "incoming", "ringing"), call("b", "incoming", "ringing")], undefined, ringing, "x")).toThrow(/--call ID[\s\S]*a[\s\S]*b/);
    expect(() => pickCall([], "zz", ringing, "x")).toThrow("no current call with id zz");
  });
});

describe("the event stream's frames", () => {
  it("parses complete frames, skips comments and keeps the rest for the next chunk", () => {
    const first = parseSseChunk(': cusax event stream\n\nid: 1\nevent: message\ndata: {"a":1}\n\nid: 2\nevent: call\nda');
    expect(first.frames).toEqual([{ id: "1", event: "message", data: '{"a":1}' }]);
    const second = parseSseChunk(first.rest + 'ta: {"b":2}\r\n\r\n');
    expect(second).toEqual({ frames: [{ id: "2", event: "call", data: '{"b":2}' }], rest: "" });
  });

  it("joins multi-line data and defaults the event name", () => {
    expect(parseSseChunk("data: x\ndata: y\n\n").frames).toEqual([{ event: "message", data: "x\ny" }]);
  });
});
