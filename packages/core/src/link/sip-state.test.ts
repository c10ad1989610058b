// protocol.md §3 "Reading others".
import { describe, expect, it } from "vitest";
import { contactSipState, deriveSipState, NS_CUSAX, NS_CUSAX_AUDIO, NS_CUSAX_VIDEO, NS_REACH, type ResourceFacts, type SipState } from "./sip-state.js";

const REACH = ["sip:bob@example.net;gr=urn:uuid:1", "sip:bob@example.net"];
const OURS = [NS_REACH, NS_CUSAX, NS_CUSAX_AUDIO];
const f = (over: Partial<ResourceFacts>): ResourceFacts => ({ available: true, reach: [], ...over });

describe("deriveSipState", () => {
  const table: [string, ResourceFacts, SipState][] = [
    ["cusax with reach and audio", f({ reach: REACH, features: OURS }), "callable"],
    ["cusax with video only", f({ reach: ["tel:+15551234567"], features: [NS_CUSAX, NS_CUSAX_VIDEO] }), "callable"],
    ["cusax, SIP not registered: media features withdrawn", f({ reach: REACH, features: [NS_REACH, NS_CUSAX] }), "unreachable"],
    ["cusax with reach=off privacy", f({ features: OURS }), "unreachable"],
    ["cusax reach with only non-SIP URIs", f({ reach: ["xmpp:bob@x"], features: OURS }), "unreachable"],
    ["in a call: XEP-0108 talking/on_the_phone", f({ reach: REACH, features: OURS, activity: { general: "talking", specific: "on_the_phone" } }), "on-the-phone"],
    ["in a video call", f({ features: OURS, activity: { general: "talking", specific: "on_video_phone" } }), "on-the-phone"],
    ["dnd + On the phone (cusax, Jitsi)", f({ show: "dnd", status: "On the phone" }), "on-the-phone"],
    ["dnd + On a video call", f({ show: "dnd", status: "on a video call" }), "on-the-phone"],
    ["dnd with another status", f({ reach: REACH, features: OURS, show: "dnd", status: "Busy" }), "callable"],
    ["away with On the phone text is not dnd", f({ show: "away", status: "On the phone" }), "unknown"],
    ["talking about something else", f({ activity: { general: "talking", specific: "other" } }), "unknown"],
    ["legacy client", f({ features: ["http://jabber.org/protocol/disco#info"] }), "unknown"],
    ["caps not resolved, no reach", f({}), "unknown"],
    ["caps not resolved, reach present", f({ reach: REACH }), "unknown"],
    ["another client publishing reach", f({ reach: REACH, features: [NS_REACH] }), "callable"],
    ["offline cusax resource", f({ available: false, reach: REACH, features: OURS }), "unreachable"],
    ["offline legacy resource", f({ available: false }), "unknown"],
  ];
  it.each(table)("%s", (_name, facts, want) => {
    expect(deriveSipState(facts)).toBe(want);
  });
});

describe("contactSipState", () => {
  it.each([
    [[], "unknown"],
    [[f({ reach: REACH, features: OURS }), f({})], "callable"],
    [[f({ reach: REACH, features: OURS }), f({ show: "dnd", status: "On the phone" })], "on-the-phone"],
    [[f({ features: [NS_CUSAX] }), f({})], "unreachable"],
  ] as [ResourceFacts[], SipState][])("%#", (resources, want) => {
    expect(contactSipState(resources)).toBe(want);
  });
});
