// protocol.md D33: the daemon's per-call media choice (a request's media and
// play become the call's CallMediaSpec; "device" only with media.device) and
// the hooks made from the config (media.device set: calls default to the device).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger, type LogRecord } from "@cusax/core";
import { resolveConfig } from "../config/config.js";
import { mediaHooksOf, PlayChoice } from "./client-options.js";

const base = {
  sip: { aor: "sip:alice@example.test", password: "sip-pw", proxy: "sip:127.0.0.1:5060" },
  xmpp: { jid: "alice@example.test", password: "xmpp-pw" },
  dataDir: mkdtempSync(join(tmpdir(), "cusax-client-options-")),
};
mkdirSync(join(base.dataDir, "calls"));
afterAll(() => rmSync(base.dataDir, { recursive: true, force: true }));
const configOf = (media: Record<string, unknown> = {}) =>
  resolveConfig({ file: { ...base, media }, env: { HOME: "/tmp" }, readSecretFile: () => "" });

describe("the per-call media choice", () => {
  it("turns a request's media and play into the call's spec; absent media keeps the default", () => {
    const play = new PlayChoice();
    expect(play.specOf(undefined)).toEqual({});
    expect(play.specOf(undefined, "/a.wav")).toEqual({ play: "/a.wav" });
    expect(play.specOf("wav", "/a.wav")).toEqual({ audio: "wav", play: "/a.wav" });
    expect(play.specOf("browser", "/a.wav")).toEqual({ audio: "browser" });
    expect(() => play.specOf("speaker")).toThrow(/media: expected "wav", "browser" or "device"/);
    expect(() => play.specOf("device")).toThrow(/media\.device/);
    play.allowDevice(true);
    expect(play.specOf("device")).toEqual({ audio: "device" });
  });

  it("media.device set: the hooks allow the choice and calls start on the device; its warnings are logged", () => {
    const play = new PlayChoice();
    const records: LogRecord[] = [];
    const log = createLogger({ sink: (r) => void records.push(r), level: "debug" });
    const config = configOf({ device: { tool: "alsa", input: "hw:9" } });
    const hooks = mediaHooksOf(config, play, log);
    expect(play.specOf("device")).toEqual({ audio: "device" });
    const media = hooks.create({ callId: "c1", direction: "incoming" });
    expect(media.legs.leg?.kind).toBe("device");
    (media.legs.leg as unknown as { events: { emit(e: string, p: unknown): void } }).events.emit("warning", { command: "arecord", message: "media.device: gone" });
    expect(records.find((r) => r.level === "warn")).toMatchObject({ msg: "media.device: gone" });
    void media.close();
  });

  it("without media.device: calls play their WAV (or silence) and cannot choose the device", () => {
    const play = new PlayChoice();
    const hooks = mediaHooksOf(configOf(), play, createLogger({ sink: () => undefined }));
    const media = hooks.create({ callId: "c2", direction: "outgoing" });
    expect(media.legs.leg).toBeUndefined();
    expect(() => play.specOf("device")).toThrow(/media\.device/);
    expect(() => media.choose({ audio: "device" })).toThrow(/media\.device/);
    void media.close();
  });
});
