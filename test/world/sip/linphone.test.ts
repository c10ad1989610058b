// World: calls between our SipUserAgent (createMediaHooks, RFC 3264 offer/answer, RFC 3550 RTP) and
// linphonec 5.1, an implementation independent of baresip, through our Kamailio and Debian's stock
// kamailio.cfg (GRUU off and on): placed from each side, with the codec linphone picks (Opus, RFC 7587) and
// with PCMU (RFC 3551) forced by us; our 440 Hz reaches linphone's recording and its 1 kHz reaches our sink;
// a BYE from either side (RFC 3261 §15) ends the call on both; our hold (RFC 3264 §8.4, sendonly) stops
// linphone's audio until we resume; SDES-SRTP (RFC 4568) with linphone's media_encryption=srtp.
import { describe, expect, it } from "vitest";
import { until, useCleanup } from "../index.js";
import { reach } from "./call-kit.js";
import { arrivedDuring, ended, linphoneWorlds, phoneCalls, phoneEncryption, phoneHeard, received, weCall, weHear } from "./linphone-kit.js";

const track = useCleanup();
const world = linphoneWorlds(track);
/** How far a measured frequency is from the tone sent. */
const off = (hz: number, want: number) => Math.abs(hz - want);

describe.each([["ours", "our Kamailio"], ["stock", "stock Kamailio (gruu_enabled 0)"]] as const)("calls with linphonec, both ways (%s)", (shape, title) => {
  it(`${title}: we call linphonec, it answers with Opus (its first choice); tones both ways; our BYE ends it at linphone`, async () => {
    const c = await weCall(await world(shape));
    expect(c.audio.media.negotiated?.codec?.name.toLowerCase()).toBe("opus");
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    c.call.hangup();
    await reach(c.call, "ended");
    expect((await ended(c)).detail).toBe("No error");
    expect(off(await phoneHeard(c), 440)).toBeLessThan(30);
  });

  it(`${title}: linphonec calls us and offers Opus first; tones both ways; its BYE ends it here`, async () => {
    const c = await phoneCalls(await world(shape));
    expect(c.audio.media.negotiated?.codec?.name.toLowerCase()).toBe("opus");
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    await c.phone.hangup(c.id);
    await reach(c.call, "ended", 30_000);
    expect(c.call.outcome).toEqual({ reason: "hangup", by: "remote" });
    await ended(c);
    expect(off(await phoneHeard(c), 440)).toBeLessThan(30);
  });
});

describe("calls with linphonec through our Kamailio", () => {
  it("PCMU forced by our offer: we call, tones both ways, linphonec hangs up", async () => {
    const c = await weCall(await world(), { codecs: ["PCMU"] });
    expect(c.audio.media.negotiated?.codec?.name).toBe("PCMU");
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    await c.phone.hangup(c.id);
    await reach(c.call, "ended", 30_000);
    await ended(c);
    expect(off(await phoneHeard(c), 440)).toBeLessThan(30);
  });

  it("PCMU forced by our answer: linphonec calls, tones both ways, we hang up", async () => {
    const c = await phoneCalls(await world(), { codecs: ["PCMU"] });
    expect(c.audio.media.negotiated?.codec?.name).toBe("PCMU");
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    c.call.hangup();
    await reach(c.call, "ended");
    await ended(c);
    expect(off(await phoneHeard(c), 440)).toBeLessThan(30);
  });

  it("we hold (sendonly): linphonec says it was paused and stops sending; we resume and its audio is back", async () => {
    const c = await weCall(await world());
    await until("audio from linphone", () => received(c.audio) >= 10);
    const mark = c.phone.events.length;
    expect(await c.call.hold()).toBe(true);
    expect(c.audio.media.flow).toEqual({ send: true, recv: false });
    await c.phone.waitEvent((e) => e.seq >= mark && e.type === "paused-by-remote" && e.call === c.id, "linphone paused by us");
    await until("in-flight packets drained", async () => (await arrivedDuring(c.audio, 10)) === 0, { timeoutMs: 30_000 });
    expect(await arrivedDuring(c.audio, 50)).toBe(0);
    const resumed = c.phone.events.length;
    expect(await c.call.resume()).toBe(true);
    expect(c.audio.media.flow).toEqual({ send: true, recv: true });
    await c.phone.waitEvent((e) => e.seq >= resumed && e.type === "media" && e.call === c.id, "linphone's media streams again");
    await until("audio from linphone again", async () => (await arrivedDuring(c.audio, 10)) >= 8, { timeoutMs: 30_000 });
    c.call.hangup();
    await reach(c.call, "ended");
    await ended(c);
  });
});

// linphone with media_encryption=srtp (not mandatory) offers RTP/SAVP with a=crypto, and keys a call only when
// the offer it answers is RTP/SAVP: the a=crypto lines of our best-effort RTP/AVP offer (D21, srtp "offered")
// it ignores. With media_encryption_mandatory it refuses that offer (488).
describe("SDES-SRTP with linphonec (media_encryption=srtp) through our Kamailio", () => {
  it("linphonec's RTP/SAVP offer: our answer keys the call; tones both ways", async () => {
    const w = await world();
    const c = await phoneCalls(w, { phone: await w.phone("erin", { mediaEncryption: "srtp" }) });
    expect(c.audio.media.negotiated?.srtp).toBeDefined();
    expect(await phoneEncryption(c)).toBe("LinphoneMediaEncryptionSRTP");
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    await c.phone.hangup(c.id);
    await reach(c.call, "ended", 30_000);
    expect(off(await phoneHeard(c), 440)).toBeLessThan(30);
  });

  it("our RTP/SAVP offer (srtp required) is keyed by linphonec; tones both ways", async () => {
    const w = await world();
    const c = await weCall(w, { phone: await w.phone("erin", { mediaEncryption: "srtp" }), srtp: "required" });
    expect(c.audio.media.negotiated?.srtp).toBeDefined();
    expect(await phoneEncryption(c)).toBe("LinphoneMediaEncryptionSRTP");
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    c.call.hangup();
    await reach(c.call, "ended");
    await ended(c);
    expect(off(await phoneHeard(c), 440)).toBeLessThan(30);
  });

  it("our best-effort offer (RTP/AVP with a=crypto, srtp offered) gets a plain RTP/AVP answer: audio flows unencrypted", async () => {
    const w = await world();
    const c = await weCall(w, { phone: await w.phone("erin", { mediaEncryption: "srtp" }), srtp: "offered" });
    expect(c.audio.media.negotiated?.srtp).toBeUndefined();
    expect(await phoneEncryption(c)).toBe("LinphoneMediaEncryptionNone");
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    c.call.hangup();
    await reach(c.call, "ended");
    await ended(c);
  });
});

// With GRUUs on, linphone (Supported: gruu) gets a pub-GRUU and puts it in its dialog Contact (baresip asks for
// none). The stock script routes in-dialog requests with loose_route() and relay, without a location lookup
// for a GRUU Request-URI (RFC 5627 §5.1 asks the domain's proxy to resolve it): it relays to the GRUU's host,
// our domain, which does not resolve, and answers 478 itself. So requests to linphone inside a dialog (our
// ACK, BYE, re-INVITE) never reach it, while its requests to us (our plain Contact) do.
describe("calls with linphonec through stock Kamailio (gruu_enabled 1)", () => {
  it("linphonec calls us with its pub-GRUU as Contact: tones both ways; its BYE ends it here", async () => {
    const c = await phoneCalls(await world("stock-gruu"));
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    await c.phone.hangup(c.id);
    await reach(c.call, "ended", 30_000);
    expect(c.call.outcome).toEqual({ reason: "hangup", by: "remote" });
    await ended(c);
    expect(off(await phoneHeard(c), 440)).toBeLessThan(30);
  });

  it("we call linphonec: the stock script cannot route our ACK and BYE to its pub-GRUU (478); only its own BYE ends its call", async () => {
    const w = await world("stock-gruu");
    const c = await weCall(w);
    expect(c.phone.log()).toContain(`Contact: <sip:dave@${w.server.domain};gr=urn:uuid:`);
    expect(off(await weHear(c), 1000)).toBeLessThan(30);
    c.call.hangup();
    await reach(c.call, "ended");
    const callId = c.call.id.replace(/[^\w-]/g, "\\$&");
    const refused = (method: string) => new RegExp(`\\{\\d+ \\d+ ${method} ${callId}\\} sl .*Unresolvable destination \\(478/SL\\)`);
    await until("the stock script's 478 for our BYE", () => refused("BYE").test(w.server.log()), { timeoutMs: 30_000 });
    expect(refused("ACK").test(w.server.log())).toBe(true);
    // linphone never got either: its call is still up until it hangs up itself.
    expect(c.phone.events.some((e) => e.type === "ended" && e.call === c.id)).toBe(false);
    await c.phone.hangup(c.id);
    await ended(c);
  });
});
