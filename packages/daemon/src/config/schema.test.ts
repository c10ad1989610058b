// The config's one schema (schema.ts, issues.ts, env.ts): unknown keys named
// with a suggestion, the file or the path looked in, env variables by name.
import { describe, expect, it } from "vitest";
import { ConfigProblem, resolveConfig, type ConfigSources } from "./config.js";
import { editDistance, suggest } from "./issues.js";

const base = {
  sip: { aor: "sip:alice@example.test", password: "sip-pw" },
  xmpp: { jid: "alice@example.test", password: "xmpp-pw" },
};
const sources = (file: unknown, env: Record<string, string> = {}, path?: string): ConfigSources => ({
  file, env, readSecretFile: () => { throw new Error("ENOENT"); }, ...(path ? { path } : {}),
});

function problemsOf(s: ConfigSources): ConfigProblem {
  try {
    resolveConfig(s);
  } catch (err) {
    if (err instanceof ConfigProblem) return err;
    throw err;
  }
  throw new Error("expected a ConfigProblem");
}

describe("config schema", () => {
  it("names an unknown key with the known key it most likely meant, at any level", () => {
    const p = problemsOf(sources({ ...base, medai: { srtp: "off" }, sip: { ...base.sip, pasword: "x" }, nat: { turn: [{ uri: "turn:h", username: "u", pasword: "p" }] } }));
    expect(p.problems).toContain('medai: unknown key (did you mean "media"?)');
    expect(p.problems).toContain('sip.pasword: unknown key (did you mean "sip.password"?)');
    expect(p.problems).toContain('nat.turn[0].pasword: unknown key (did you mean "nat.turn[0].password"?)');
  });

  it("lists the keys at that level when nothing is close", () => {
    const p = problemsOf(sources({ ...base, api: { colour: "blue" } }));
    expect(p.problems).toEqual(["api.colour: unknown key (known keys here: host, port, allowedHosts)"]);
  });

  it("says which file it read", () => {
    const p = problemsOf(sources({ ...base, log: { level: "loud" } }, {}, "/etc/cusax.json"));
    expect(p.message).toContain("invalid configuration in /etc/cusax.json:");
    expect(p.problems).toEqual(['log.level: expected debug, info, warn or error, got "loud"']);
  });

  it("with no file, says where it looked", () => {
    const p = problemsOf(sources(undefined, {}, "/root/.config/cusax/config.json"));
    expect(p.problems[0]).toBe("no config at /root/.config/cusax/config.json (--config PATH or $XDG_CONFIG_HOME); the environment alone is not enough");
    expect(p.message).toContain("(no config file at /root/.config/cusax/config.json)");
  });

  it("names the environment variable whose value is wrong", () => {
    const p = problemsOf(sources(base, { CUSAX_API_PORT: "abc", CUSAX_SIP_TRANSPORT: "pigeon", CUSAX_SIP_AOR: "alice", CUSAX_LOG_LEVEL: "loud" }));
    expect(p.problems).toEqual([
      'CUSAX_SIP_AOR: expected "sip:user@domain", got "alice"',
      'CUSAX_SIP_TRANSPORT: expected udp, tcp, tls or ws, got "pigeon"',
      'CUSAX_API_PORT: expected a port 0-65535, got "abc"',
      'CUSAX_LOG_LEVEL: expected debug, info, warn or error, got "loud"',
    ]);
    expect(problemsOf(sources(base, { CUSAX_API_PORT: "70000" })).problems).toEqual(["CUSAX_API_PORT: expected a port 0-65535, got 70000"]);
    expect(resolveConfig(sources(base, { CUSAX_API_PORT: "8080" })).api.port).toBe(8080);
  });

  it("checks types and values in the file, never showing a password", () => {
    const p = problemsOf(sources({
      sip: { aor: "sip:a@b", password: 12345678, keepAliveSeconds: 2 }, xmpp: { jid: "a@b", password: "pw" },
      api: { port: "80" }, ca: "/etc/ca.pem", nat: { ice: "yes" },
    }));
    expect(p.problems).toEqual([
      'sip.password: expected a string or { "file": PATH }',
      "sip.keepAliveSeconds: expected a whole number of seconds from 5 to 3600, got 2",
      'api.port: expected a port 0-65535, got "80"',
      'ca: expected a list of PEM file paths, got "/etc/ca.pem"',
      'nat.ice: expected true or false, got "yes"',
    ]);
    expect(p.message).not.toContain("12345678");
  });

  it("refuses a file that is not an object", () => {
    expect(problemsOf(sources([1, 2])).problems[0]).toBe("(config): the config must be a JSON object, got [1,2]");
  });

  it("keeps every key it knows", () => {
    const c = resolveConfig(sources({
      ...base, sip: { ...base.sip, proxy: "sip:p:5060", transport: "tcp", tel: "+15551234", listenHost: "0.0.0.0", keepAliveSeconds: 20, username: "al" },
      xmpp: { ...base.xmpp, service: "xmpp://h:5222" }, api: { host: "::1", port: 9, allowedHosts: ["cusax.local"] }, dataDir: "/d",
      log: { level: "debug" }, ca: ["/ca.pem"], media: { address: "10.0.0.1", play: "/a.wav", srtp: "off", device: { tool: "alsa", input: "hw:1" } },
      nat: { stun: ["stun.example:3478"], turn: [{ uri: "turn:t.example", username: "u", password: "tp" }], ice: false, relay: "always" },
    }));
    expect(c.sip).toMatchObject({ proxy: "sip:p:5060", transport: "tcp", tel: "+15551234", listenHost: "0.0.0.0", keepAliveSeconds: 20, username: "al" });
    expect(c.api).toEqual({ host: "::1", port: 9, allowedHosts: ["cusax.local"] });
    expect(c.media).toEqual({ address: "10.0.0.1", play: "/a.wav", srtp: "off", device: { tool: "alsa", input: "hw:1" } });
    expect(c.nat).toMatchObject({ stun: ["stun.example:3478"], ice: false, relay: "always" });
    expect(c.nat.turn[0]!.password.reveal()).toBe("tp");
    expect([c.dataDir, c.log.level, c.ca, c.xmpp.service]).toEqual(["/d", "debug", ["/ca.pem"], "xmpp://h:5222"]);
  });

  it("suggests only what is close", () => {
    expect(editDistance("medai", "media")).toBe(1);
    expect(suggest("medai", ["sip", "xmpp", "media", "nat"])).toBe("media");
    expect(suggest("colour", ["host", "port"])).toBeUndefined();
    expect(suggest("prot", ["host", "port"])).toBe("port");
  });
});
