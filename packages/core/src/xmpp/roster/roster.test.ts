import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { parseRosterPush, parseRosterResult, serializeRosterGet, serializeRosterSet, serializeSubscription } from "./roster.js";
import { RosterBook } from "./roster-book.js";

const text = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const ME = "juliet@example.com/chamber";

describe("roster", () => {
  it("builds get with and without a version", () => {
    expect(serializeRosterGet().toString()).toBe(`<iq type="get"><query xmlns="jabber:iq:roster"/></iq>`);
    expect(serializeRosterGet("").toString()).toBe(`<iq type="get"><query xmlns="jabber:iq:roster" ver=""/></iq>`);
  });
  it("parses a full result and skips items without jid", () => {
    const r = parseRosterResult(parseXml(text("roster-result.xml")));
    expect(r).toEqual({
      kind: "full",
      ver: "ver11",
      items: [
        { jid: "romeo@example.net", name: "Romeo", subscription: "both", groups: ["Friends"] },
        { jid: "mercutio@example.com", name: "Mercutio", subscription: "from", groups: [] },
        { jid: "benvolio@example.net", subscription: "none", ask: "subscribe", groups: [] },
      ],
    });
    expect(parseRosterResult(parseXml("<iq type='result'/>"))).toEqual({ kind: "unchanged" });
  });
  it("accepts pushes only from our account (§2.1.6)", () => {
    const push = parseRosterPush(parseXml(text("roster-push.xml")), ME);
    expect(push).toEqual({ kind: "set", ver: "ver12", item: { jid: "nurse@example.com", name: "Nurse", subscription: "none", groups: ["Servants"] } });
    const own = text("roster-push.xml").replace("<iq ", "<iq from='juliet@example.com' ");
    expect(parseRosterPush(parseXml(own), ME).kind).toBe("set");
    const forged = text("roster-push.xml").replace("<iq ", "<iq from='mallory@evil.example' ");
    expect(parseRosterPush(parseXml(forged), ME)).toMatchObject({ kind: "rejected" });
    const resource = text("roster-push.xml").replace("<iq ", "<iq from='juliet@example.com/other' ");
    expect(parseRosterPush(parseXml(resource), ME)).toMatchObject({ kind: "rejected" });
  });
  it("builds add, remove and subscription stanzas", () => {
    expect(serializeRosterSet({ jid: "bob@x", name: "Bob", groups: ["Work"] }).toString()).toBe(
      `<iq type="set"><query xmlns="jabber:iq:roster"><item jid="bob@x" name="Bob"><group>Work</group></item></query></iq>`,
    );
    expect(serializeRosterSet({ jid: "bob@x", remove: true }).toString()).toContain(`<item jid="bob@x" subscription="remove"/>`);
    expect(serializeSubscription("bob@x/res", "subscribed").toString()).toBe(`<presence to="bob@x" type="subscribed"/>`);
  });
  it("the book applies results and pushes with versions", () => {
    const book = new RosterBook();
    expect(book.load(parseRosterResult(parseXml(text("roster-result.xml"))))).toHaveLength(3);
    expect(book.ver).toBe("ver11");
    const change = book.apply(parseRosterPush(parseXml(text("roster-push.xml")), ME));
    expect(change).toMatchObject({ kind: "set", item: { jid: "nurse@example.com" } });
    expect(book.ver).toBe("ver12");
    expect(book.apply({ kind: "remove", jid: "romeo@example.net" })).toMatchObject({ kind: "remove", previous: { name: "Romeo" } });
    expect(book.all()).toHaveLength(3);
    expect(book.load({ kind: "unchanged" })).toEqual([]);
  });
});
