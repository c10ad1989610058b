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
