// protocol.md D33: the per-call media choice applied to a call's leg slot,
// through createMediaHooks (the default choice) and AudioCallMedia.choose().
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Emitter } from "../../util/events.js";
import { createMediaHooks } from "../call-media.js";
import type { CallLegEvents } from "../leg/types.js";
import { ToneSource } from "../source.js";
import { WavWriter } from "../wav.js";
import { CallChoiceError, callMediaSpecOf } from "./call-choice.js";

const dir = mkdtempSync(join(tmpdir(), "cusax-choice-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const device = { spec: { tool: "pulse" as const }, options: { env: { PATH: dir } } };
const page = () => ({ kind: "browser", events: new Emitter<CallLegEvents>(), close: () => undefined });
const peak = (f: Int16Array | undefined): number => Math.max(0, ...Array.from(f ?? [], Math.abs));

describe("the per-call media choice", () => {
  it("checks a spec that crossed sip/ as unknown", () => {
    expect(callMediaSpecOf(undefined)).toEqual({});
    expect(callMediaSpecOf({ audio: "device" })).toEqual({ audio: "device" });
    expect(callMediaSpecOf({ play: "/a.wav" })).toEqual({ play: "/a.wav" });
    expect(() => callMediaSpecOf({ audio: "speaker" })).toThrow(CallChoiceError);
    expect(() => callMediaSpecOf("device")).toThrow(/expected an object/);
    expect(() => callMediaSpecOf({ play: 3 })).toThrow(/play/);
  });

  it("calls take the configured default; device calls start with the device leg at home", () => {
    const hooks = createMediaHooks({ statsIntervalMs: 0, audio: "device", device, source: () => new ToneSource(8000, 1000) });
    const media = hooks.create({ callId: "c1", direction: "incoming" });
    expect(media.legs.leg?.kind).toBe("device");
    expect(media.legs.source.sampleRate).toBe(48000);
    const plain = createMediaHooks({ statsIntervalMs: 0, source: () => new ToneSource(8000, 1000) }).create({ callId: "c2", direction: "outgoing" });
    expect(plain.legs.leg).toBeUndefined();
    expect(peak(plain.legs.source.read())).toBeGreaterThan(1000);
  });

  it("an answer's choice: {} keeps the page that attached while ringing; device replaces it; browser and wav let the device go", () => {
    const hooks = createMediaHooks({ statsIntervalMs: 0, audio: "device", device, source: () => new ToneSource(8000, 1000) });
    const media = hooks.create({ callId: "c1", direction: "incoming" });
    media.legs.attach(page());
    media.choose({});
    expect(media.legs.leg?.kind).toBe("browser");
    media.choose({ audio: "device" });
    expect(media.legs.leg?.kind).toBe("device");
    media.choose({ audio: "browser" });
    expect(media.legs.leg).toBeUndefined();
    expect(peak(media.legs.source.read())).toBe(0); // silence until the page attaches
    media.choose({ audio: "device" });
    media.choose({ audio: "wav" });
    expect(media.legs.leg).toBeUndefined();
    expect(peak(media.legs.source.read())).toBeGreaterThan(1000); // the configured source again
  });

  it("plays the file a call names, and refuses the device when none is configured", () => {
    const file = join(dir, "tone.wav");
    const w = new WavWriter(file, 8000);
    w.write(new ToneSource(8000, 440).read());
    w.close();
    const media = createMediaHooks({ statsIntervalMs: 0 }).create({ callId: "c3", direction: "outgoing" });
    media.choose({ play: file });
    expect(peak(media.legs.source.read())).toBeGreaterThan(1000);
    expect(() => media.choose({ audio: "device" })).toThrow(/media\.device/);
  });
});
