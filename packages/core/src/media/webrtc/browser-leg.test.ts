// The browser leg against a werift peer standing in for the page (real ICE,
// DTLS-SRTP and Opus on loopback): transcoding both ways, relaying, digits
// from the page's RTCDTMFSender-style events and the data channel, and the
// end of the leg when the page goes.
import { afterEach, describe, expect, it } from "vitest";
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type RTCDataChannel } from "werift";
import { dominantFrequency } from "../analysis.js";
import { createOpusCodec } from "../codecs/opus.js";
import { ToneGenerator } from "../tone.js";
import { BrowserLeg } from "./browser-leg.js";

type Page = { pc: RTCPeerConnection; heard: Int16Array[]; channel: RTCDataChannel; stop: () => void; received: string[] };

/** A page: offers audio and a "cusax" channel, sends 440 Hz Opus every 20 ms, decodes what it gets. */
async function page(answer: (offer: string) => Promise<string>): Promise<Page> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2 })] },
    iceUseIpv6: false, iceInterfaceAddresses: { udp4: "127.0.0.1" }, iceAdditionalHostAddresses: ["127.0.0.1"],
  });
  const track = new MediaStreamTrack({ kind: "audio" });
  pc.addTransceiver(track, { direction: "sendrecv" });
  const channel = pc.createDataChannel("cusax");
  const received: string[] = [];
  channel.onMessage.subscribe((m) => void received.push(String(m)));
  const heard: Int16Array[] = [];
  const decoder = createOpusCodec({ sampleRate: 48000 });
  pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe((rtp) => void heard.push(decoder.decode(new Uint8Array(rtp.payload)))));
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((r) => (pc.iceGatheringState === "complete" ? r() : pc.iceGatheringStateChange.subscribe((s) => s === "complete" && r())));
  await pc.setRemoteDescription({ type: "answer", sdp: await answer(pc.localDescription!.sdp) });
  const encoder = createOpusCodec({ sampleRate: 48000 });
  const tone = new ToneGenerator(48000, 440, 12000);
  let seq = 1;
  const timer = setInterval(() => {
    track.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: seq, timestamp: seq * 960, payloadType: 111 }), Buffer.from(encoder.encode(tone.next(960)))));
    seq++;
  }, 20);
  return { pc, heard, channel, received, stop: () => (clearInterval(timer), void pc.close()) };
}

function until(check: () => boolean, what: string | (() => string), ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + ms;
    const poll = setInterval(() => {
      if (check()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() > end) {
        clearInterval(poll);
        reject(new Error(`timed out: ${typeof what === "string" ? what : what()}`));
      }
    }, 20);
  });
}

const join = (frames: Int16Array[]): Int16Array => Int16Array.from(frames.flatMap((f) => Array.from(f)));

describe("BrowserLeg", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((f) => f()));

  it("transcodes: the page's 440 Hz comes out of its source, our 1 kHz reaches the page; digits both ways; the page's end ends the leg", async () => {
    let leg: BrowserLeg | undefined;
    const p = await page(async (offer) => {
      const r = await BrowserLeg.answer(offer);
      leg = r.leg;
      return r.answer;
    });
    cleanups.push(p.stop, () => leg?.close());
    const l = leg!;
    l.relayFor("pcmu");
    await until(() => l.connected && l.counters.fromPage > 20, () => `connected (${l.state}, ${JSON.stringify(l.counters)}, page ${p.pc.connectionState})`);
    const gen = new ToneGenerator(48000, 1000, 12000);
    const got: Int16Array[] = [];
    await until(() => {
      got.push(l.source.read()!);
      l.sink.write(gen.next(960));
      return got.length >= 100;
    }, "frames");
    expect(Math.abs(dominantFrequency(join(got.slice(50)), 48000) - 440)).toBeLessThan(20);
    await until(() => p.heard.length > 60, "heard");
    expect(Math.abs(dominantFrequency(join(p.heard.slice(20)), 48000) - 1000)).toBeLessThan(20);
    const digits: string[] = [];
    l.events.on("digit", (d) => void digits.push(d.digit));
    await until(() => p.channel.readyState === "open", "channel");
    p.channel.send(JSON.stringify({ dtmf: "7" }));
    p.channel.send("not json");
    await until(() => digits.length === 1, "digit");
    l.dtmf("#");
    await until(() => p.received.includes('{"dtmf":"#"}'), "peer digit");
    const ended = new Promise<string>((r) => l.events.on("ended", (e) => r(e.reason)));
    p.stop();
    expect(await ended).toMatch(/^page-/);
  }, 60_000);

  it("relays Opus payloads unchanged both ways", async () => {
    let leg: BrowserLeg | undefined;
    const p = await page(async (offer) => {
      const r = await BrowserLeg.answer(offer);
      leg = r.leg;
      return r.answer;
    });
    cleanups.push(p.stop, () => leg?.close());
    const l = leg!;
    const relay = l.relayFor("opus")!;
    await until(() => l.connected && l.counters.relayedToSip > 5, () => `relayed (${l.state}, ${JSON.stringify(l.counters)}, page ${p.pc.connectionState})`);
    const payload = relay.take();
    expect(payload).toBeDefined();
    const decoder = createOpusCodec({ sampleRate: 48000 });
    cleanups.push(() => decoder.close?.());
    const encoder = createOpusCodec({ sampleRate: 48000 });
    const gen = new ToneGenerator(48000, 1000, 12000);
    for (let i = 0; i < 80; i++) relay.forward({ payload: encoder.encode(gen.next(960)), sequenceNumber: 5000 + i, timestamp: 960 * i, marker: i === 0 });
    await until(() => p.heard.length > 60, "heard");
    expect(Math.abs(dominantFrequency(join(p.heard.slice(20)), 48000) - 1000)).toBeLessThan(20);
  }, 60_000);
});
