import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { parsePresence, serializePresence, type Presence } from "./presence.js";
import { PresenceTable } from "./presence-table.js";

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const avail = (from: string, priority = 0): Presence => ({ from, type: "available", priority, extensions: [] });

describe("presence", () => {
  it("parses show, status, priority, caps and reach", () => {
    const p = parsePresence(fixture("presence-full.xml"))!;
    expect(p).toMatchObject({
      from: "bob@example.net/slix",
      type: "available",
      show: "dnd",
      status: "On the phone",
      priority: 5,
      caps: { hash: "sha-1", node: "https://cusax.example", ver: "abc=" },
      reach: [{ uri: "sip:bob@example.net;gr=urn:uuid:1" }, { uri: "sip:bob@example.net" }],
    });
    expect(p.extensions.map((e) => e.attrs.xmlns)).toEqual(["vcard-temp:x:update"]);
  });
  it("clamps priority, ignores unknown show, rejects unknown types", () => {
    const p = parsePresence(parseXml("<presence from='a@b/c'><show>busy</show><priority>900</priority></presence>"))!;
    expect(p.show).toBeUndefined();
    expect(p.priority).toBe(127);
    expect(parsePresence(parseXml("<presence type='weird'/>"))).toBeUndefined();
  });
  it("serializes our presence with caps and ordered reach", () => {
    const el = serializePresence({
      show: "dnd",
      status: "On the phone",
      priority: 10,
      caps: { hash: "sha-1", node: "n", ver: "v" },
      reach: [{ uri: "sip:a@b;gr=x" }, { uri: "sip:a@b" }],
    });
    expect(el.toString()).toBe(
      `<presence><show>dnd</show><status>On the phone</status><priority>10</priority>` +
        `<c xmlns="http://jabber.org/protocol/caps" hash="sha-1" node="n" ver="v"/>` +
        `<reach xmlns="urn:xmpp:reach:0"><addr uri="sip:a@b;gr=x"/><addr uri="sip:a@b"/></reach></presence>`,
    );
    expect(serializePresence({ to: "b@x/r", type: "unavailable" }).toString()).toBe(`<presence to="b@x/r" type="unavailable"/>`);
  });
});

describe("presence table", () => {
  it("tracks every resource and removes on unavailable", () => {
    const t = new PresenceTable();
    t.apply(avail("bob@x/a", 1));
    t.apply(avail("bob@x/b", 5));
    expect(t.resources("bob@x").map((r) => r.resource).sort()).toEqual(["a", "b"]);
    expect(t.best("bob@x")?.resource).toBe("b");
    const changes = t.apply({ ...avail("bob@x/b"), type: "unavailable" });
    expect(changes).toMatchObject([{ jid: "bob@x/b", available: false }]);
    expect(t.get("bob@x/a")?.priority).toBe(1);
  });
  it("unavailable from the bare JID ends all resources; subscriptions are ignored", () => {
    const t = new PresenceTable();
    t.apply(avail("bob@x/a"));
    t.apply(avail("bob@x/b"));
    expect(t.apply({ ...avail("bob@x"), type: "unavailable" })).toHaveLength(2);
    expect(t.resources("bob@x")).toEqual([]);
    expect(t.apply({ ...avail("bob@x"), type: "subscribe" })).toEqual([]);
  });
  it("negative priority is never best", () => {
    const t = new PresenceTable();
    t.apply(avail("bob@x/a", -1));
    expect(t.best("bob@x")).toBeUndefined();
  });
});
