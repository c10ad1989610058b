// protocol.md D27: the call's leg slot (own source until a leg attaches,
// silence after a release, relays for a shared codec, digits and flow).
import { describe, expect, it } from "vitest";
import { Emitter } from "../../util/events.js";
import { createPcmuCodec } from "../codecs/g711.js";
import { MemorySink, ToneSource } from "../source.js";
import { LegSlot } from "./leg-slot.js";
import type { CallLeg, CallLegEvents, PayloadRelay } from "./types.js";

function fakeLeg(options: { relay?: PayloadRelay; sink?: MemorySink; source?: ToneSource } = {}): CallLeg & { closed: string[]; digits: string[] } {
  const events = new Emitter<CallLegEvents>();
  const leg = {
    kind: "fake", events, closed: [] as string[], digits: [] as string[],
    ...(options.source && { source: options.source }),
    ...(options.sink && { sink: options.sink }),
    relayFor: (codec: string) => (options.relay?.codec === codec ? options.relay : undefined),
    dtmf: (d: string) => void leg.digits.push(d),
    close: (reason = "released") => {
      leg.closed.push(reason);
      events.emit("ended", { reason });
    },
  };
  return leg;
}

const peak = (f: Int16Array | undefined): number => Math.max(...Array.from(f ?? [], Math.abs));

describe("LegSlot", () => {
  it("plays the call's own source, the leg's (resampled) once attached, silence after the release", () => {
    const slot = new LegSlot(new ToneSource(8000, 1000), undefined);
    expect(peak(slot.source.read())).toBeGreaterThan(10000);
    const leg = fakeLeg({ source: new ToneSource(48000, 440, 8000) });
    slot.attach(leg);
    const frame = slot.source.read();
    expect(frame?.length).toBe(160);
    expect(peak(frame)).toBeGreaterThan(5000);
    leg.close("tab-closed");
    expect(slot.leg).toBeUndefined();
    expect(peak(slot.source.read())).toBe(0);
  });

  it("closes a replaced leg and reports both", () => {
    const slot = new LegSlot(new ToneSource(8000, 1000), undefined);
    const seen: string[] = [];
    slot.events.on("released", (r) => seen.push(r.reason));
    const first = fakeLeg();
    slot.attach(first);
    slot.attach(fakeLeg());
    expect(first.closed).toEqual(["replaced"]);
    expect(seen).toEqual(["replaced"]);
  });

  it("relays payloads for a shared codec and transcodes otherwise", () => {
    const queue = [Uint8Array.of(1, 2, 3)];
    const forwarded: number[] = [];
    const relay: PayloadRelay = { codec: "pcmu", take: () => queue.shift(), forward: (p) => void forwarded.push(p.sequenceNumber) };
    const sink = new MemorySink(8000);
    const slot = new LegSlot(new ToneSource(8000, 1000), new MemorySink(8000));
    const codec = slot.wrapCodec(createPcmuCodec());
    const pcm = new Int16Array(160);
    expect(codec.encode(pcm).length).toBe(160); // no leg yet: our own encoder
    slot.attach(fakeLeg({ relay, sink }));
    expect(Array.from(codec.encode(pcm))).toEqual([1, 2, 3]);
    expect(codec.encode(pcm).length).toBe(160);
    slot.packet("PCMU", { payload: new Uint8Array(160), sequenceNumber: 7, timestamp: 0, marker: false });
    expect(forwarded).toEqual([7]);
    slot.sink.write(new Int16Array(160));
    expect(sink.frames.length).toBe(0);
  });

  it("passes the peer's digits to the leg and decoded audio to its sink", () => {
    const sink = new MemorySink(48000);
    const slot = new LegSlot(new ToneSource(8000, 1000), new MemorySink(8000));
    slot.attach(fakeLeg({ sink }));
    slot.sink.write(new Int16Array(160));
    expect(sink.frames[0]?.length).toBe(960);
    slot.dtmf("5");
    expect((slot.leg as ReturnType<typeof fakeLeg>).digits).toEqual(["5"]);
  });
});

describe("LegSlot: the home leg and the call's own source (D33)", () => {
  it("keeps the home leg in the slot, lets another leg take over, and brings it back when that one is released", () => {
    const slot = new LegSlot(new ToneSource(8000, 1000), undefined);
    const homes: ReturnType<typeof fakeLeg>[] = [];
    slot.setHome(() => {
      const leg = fakeLeg();
      homes.push(leg);
      return leg;
    });
    expect(slot.atHome).toBe(true);
    const page = fakeLeg();
    slot.attach(page);
    expect(homes[0]!.closed).toEqual(["replaced"]);
    expect(slot.atHome).toBe(false);
    const second = fakeLeg();
    slot.attach(second); // a second page replaces the first: no home leg in between
    expect(homes.length).toBe(1);
    second.close("silent"); // the page went away
    expect(homes.length).toBe(2);
    expect(slot.leg).toBe(homes[1]);
    slot.setHome(undefined);
    expect(homes[1]!.closed).toEqual(["released"]);
    expect(slot.leg).toBeUndefined();
  });

  it("does not bring the home leg back when the call ends", () => {
    const slot = new LegSlot(new ToneSource(8000, 1000), undefined);
    let made = 0;
    slot.setHome(() => (made++, fakeLeg()));
    slot.attach(fakeLeg());
    slot.close();
    expect(made).toBe(1);
    expect(slot.leg).toBeUndefined();
  });

  it("follows the own source's rate until the SIP leg reads, then resamples later sources to it", () => {
    const slot = new LegSlot(new ToneSource(8000, 1000), undefined);
    slot.setOwn(new ToneSource(48000, 440));
    expect(slot.source.sampleRate).toBe(48000);
    expect(slot.source.read()?.length).toBe(960);
    slot.setOwn(new ToneSource(8000, 440));
    expect(slot.source.sampleRate).toBe(48000);
    expect(slot.source.read()?.length).toBe(960);
    expect(peak(slot.source.read())).toBeGreaterThan(1000);
  });
});
