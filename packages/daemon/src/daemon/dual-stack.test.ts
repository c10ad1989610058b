// protocol.md D37 (dual stack): which family the daemon listens on for SIP and offers for media when
// media.address is unset, and sip.keepAliveSeconds reaching the user agent's keep-alive interval.
import { describe, expect, it } from "vitest";
import type { CallMediaHooks, SqliteStore } from "@cusax/core";
import { resolveConfig } from "../config/config.js";
import { clientOptionsOf, mediaAddressOf, sipListenHost } from "./client-options.js";

const configOf = (sip: Record<string, unknown>, media: Record<string, unknown> = {}) =>
  resolveConfig({
    file: { sip: { aor: "sip:alice@example.test", password: "sip-pw", ...sip }, xmpp: { jid: "alice@example.test", password: "xmpp-pw" }, dataDir: "/tmp/cusax-d37", media },
    env: { HOME: "/tmp" },
    readSecretFile: () => "",
  });

describe("D37: SIP and media address families", () => {
  it("an IPv6 loopback proxy: SIP listens on ::1 and media is offered on ::1", () => {
    const c = configOf({ proxy: "sip:[::1]:5060" });
    expect(sipListenHost(c)).toBe("::1");
    expect(mediaAddressOf(c)).toBe("::1");
  });

  it("an IPv4 loopback proxy keeps 127.0.0.1 for SIP and the library's default for media", () => {
    const c = configOf({ proxy: "sip:127.0.0.1:5060" });
    expect(sipListenHost(c)).toBe("127.0.0.1");
    expect(mediaAddressOf(c)).toBeUndefined();
  });

  it("an IPv6 sip.listenHost carries media with it; media.address always wins; the '::' wildcard names no address", () => {
    expect(mediaAddressOf(configOf({ proxy: "sip:p.example:5060", listenHost: "2001:db8::5" }))).toBe("2001:db8::5");
    expect(mediaAddressOf(configOf({ proxy: "sip:[::1]:5060" }, { address: "127.0.0.1" }))).toBe("127.0.0.1");
    expect(mediaAddressOf(configOf({ listenHost: "::" }))).toBeUndefined();
  });

  it("sip.keepAliveSeconds becomes the user agent's keepAliveMs; unset leaves the library's default", () => {
    const hooks = {} as CallMediaHooks;
    const store = {} as SqliteStore;
    expect(clientOptionsOf(configOf({ keepAliveSeconds: 20 }), store, hooks, []).sip.keepAliveMs).toBe(20_000);
    expect(clientOptionsOf(configOf({}), store, hooks, []).sip).not.toHaveProperty("keepAliveMs");
  });
});
