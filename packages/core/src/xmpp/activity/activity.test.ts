import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { NS_ACTIVITY, ON_VIDEO_PHONE, parseActivity, serializeActivity } from "./activity.js";
import { notifyFeature, parsePepEvent, serializePepRetract } from "../pep/pep.js";

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

describe("XEP-0108 activity", () => {
  it("parses a PEP notification", () => {
    const ev = parsePepEvent(fixture("activity-event.xml"));
    expect(ev).toMatchObject({ kind: "item", node: NS_ACTIVITY });
    expect(ev?.kind === "item" && parseActivity(ev.payload)).toEqual({ general: "talking", specific: "on_the_phone", text: "Busy" });
  });
  it("serializes on_video_phone and the empty stop", () => {
    expect(serializeActivity(ON_VIDEO_PHONE).toString()).toBe(
      `<activity xmlns="http://jabber.org/protocol/activity"><talking><on_video_phone/></talking></activity>`,
    );
    expect(serializeActivity(undefined).toString()).toBe(`<activity xmlns="http://jabber.org/protocol/activity"/>`);
    expect(parseActivity(serializeActivity(undefined))).toBeUndefined();
    expect(parseActivity(parseXml(serializeActivity(ON_VIDEO_PHONE).toString()))).toEqual(ON_VIDEO_PHONE);
  });
  it("+notify feature and retract", () => {
    expect(notifyFeature(NS_ACTIVITY)).toBe("http://jabber.org/protocol/activity+notify");
    expect(serializePepRetract(NS_ACTIVITY).toString()).toContain(`<retract node="http://jabber.org/protocol/activity" notify="true"><item id="current"/>`);
  });
  it("reads a retract notification", () => {
    const msg = parseXml(
      `<message from='a@b'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='${NS_ACTIVITY}'><retract id='current'/></items></event></message>`,
    );
    expect(parsePepEvent(msg)).toEqual({ kind: "retract", from: "a@b", node: NS_ACTIVITY, id: "current" });
    expect(parsePepEvent(parseXml("<message/>"))).toBeUndefined();
  });
});
