import { describe, expect, it } from "vitest";
import { Emitter } from "../util/events.js";
import { silentLogger } from "../util/log.js";
import type { SipCall, SipUserAgent, SipUserAgentEvents } from "../sip/index.js";
import type { XmppClient } from "../xmpp/index.js";
import { identityOf } from "./endpoint.js";
import { PresenceBridge } from "./presence-bridge.js";

/** What the bridge sent, in order. */
function fakes() {
  const sent: string[] = [];
  const xmpp = {
    setFeatures: async (f: string[]) => void sent.push(`features ${f.join(" ")}`),
    setPresence: async (p: { show?: string; status?: string; reach?: { uri: string }[] }) =>
      void sent.push(`presence ${p.show ?? "-"} ${p.status ?? "-"} ${(p.reach ?? []).map((r) => r.uri).join(",")}`),
    publishActivity: async (a: { specific?: string }) => void sent.push(`activity ${a.specific}`),
    retractActivity: async () => void sent.push("activity off"),
  } as unknown as XmppClient;
  const sipEvents = new Emitter<SipUserAgentEvents>();
  const sip = { events: sipEvents, gruu: "sip:alice@example.com;gr=urn:uuid:1" } as unknown as SipUserAgent;
  return { sent, xmpp, sip, sipEvents };
}

function fakeCall(id = "c1") {
  const events = new Emitter<{ state: { from: string; to: string } }>();
  return { call: { id, events } as unknown as SipCall, events };
}

describe("presence bridge (protocol.md §3)", () => {
  it("advertises media and the GRUU only while registered, in reach order", async () => {
    const { sent, xmpp, sip, sipEvents } = fakes();
    const bridge = new PresenceBridge(xmpp, sip, { aor: "sip:alice@example.com", tel: "tel:+15551234567", log: silentLogger });
    bridge.setOwn({ show: "away", status: "lunch" });
    await bridge.settled();
    expect(sent.splice(0)).toEqual([
      "features urn:xmpp:cusax:0",
      "presence away lunch sip:alice@example.com,tel:+15551234567",
    ]);
    sipEvents.emit("registration", { from: "registering", to: "registered" });
    await bridge.settled();
    expect(sent.splice(0)).toEqual([
      "features urn:xmpp:cusax:0 urn:xmpp:cusax:0:audio",
      "presence away lunch sip:alice@example.com;gr=urn:uuid:1,sip:alice@example.com,tel:+15551234567",
    ]);
  });

  it("shows On the phone while any call is up and restores the user's status after the last", async () => {
    const { sent, xmpp, sip, sipEvents } = fakes();
    const bridge = new PresenceBridge(xmpp, sip, { aor: "sip:alice@example.com", reach: "off", log: silentLogger });
    sipEvents.emit("registration", { from: "registering", to: "registered" });
    bridge.setOwn({ show: "chat", status: "free" });
    const a = fakeCall();
    const b = fakeCall();
    bridge.track(a.call);
    bridge.track(b.call);
    await bridge.settled();
    sent.length = 0;
    a.events.emit("state", { from: "ringing", to: "established" });
    b.events.emit("state", { from: "ringing", to: "established" });
    a.events.emit("state", { from: "established", to: "ended" });
    await bridge.settled();
    expect(bridge.onThePhone).toBe(true);
    expect(sent.filter((s) => s.startsWith("presence") || s.startsWith("activity"))).toEqual([
      "presence dnd On the phone ",
      "activity on_the_phone",
      "presence dnd On the phone ",
      "presence dnd On the phone ",
    ]);
    sent.length = 0;
    b.events.emit("state", { from: "established", to: "ended" });
    await bridge.settled();
    expect(sent.filter((s) => !s.startsWith("features"))).toEqual(["presence chat free ", "activity off"]);
  });

  it("says On a video call while a call with video is up (§3)", async () => {
    const { sent, xmpp, sip } = fakes();
    const bridge = new PresenceBridge(xmpp, sip, { aor: "sip:alice@example.com", reach: "off", hasVideo: (id) => id === "v1", log: silentLogger });
    const audio = fakeCall("a1");
    const video = fakeCall("v1");
    bridge.track(audio.call);
    bridge.track(video.call);
    audio.events.emit("state", { from: "ringing", to: "established" });
    await bridge.settled();
    video.events.emit("state", { from: "ringing", to: "established" });
    await bridge.settled();
    video.events.emit("state", { from: "established", to: "ended" });
    await bridge.settled();
    expect(sent.filter((s) => !s.startsWith("features"))).toEqual([
      "presence dnd On the phone ", "activity on_the_phone",
      "presence dnd On a video call ", "activity on_video_phone",
      "presence dnd On the phone ", "activity on_the_phone",
    ]);
  });

  it("derives the SIP instance and the XMPP resource from one instance id (§2)", () => {
    expect(identityOf("3f2a9c1e-0b4d-4e5f-8a6b-7c8d9e0f1a2b")).toEqual({
      sipInstance: "urn:uuid:3f2a9c1e-0b4d-4e5f-8a6b-7c8d9e0f1a2b",
      xmppResource: "cusax-3f2a9c1e0b4d",
    });
  });
});
