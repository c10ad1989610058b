import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigProblem, defaultConfigPath, resolveConfig, type ConfigSources } from "./config.js";

const base = {
  sip: { aor: "sip:alice@example.test", password: "sip-pw", proxy: "sip:127.0.0.1:5060" },
  xmpp: { jid: "alice@example.test", password: "xmpp-pw" },
};
const sources = (file: unknown, env: Record<string, string> = {}, files: Record<string, string> = {}): ConfigSources => ({
  file,
  env,
  readSecretFile: (p) => {
    const f = files[p];
    if (f === undefined) throw new Error("ENOENT");
    return f;
  },
});

describe("daemon configuration", () => {
  it("reads the file and applies defaults", () => {
    const c = resolveConfig(sources(base, { HOME: "/home/a" }));
    expect(c.sip).toMatchObject({ aor: "sip:alice@example.test", username: "alice", transport: "udp" });
    expect(c.sip.password.reveal()).toBe("sip-pw");
    expect(c.api).toEqual({ host: "127.0.0.1", port: 0 });
    expect(c.dataDir).toBe("/home/a/.local/share/cusax");
  });

  it("lets the environment override, including password files", () => {
    const c = resolveConfig(
      sources(base, { CUSAX_SIP_PASSWORD: "from-env", CUSAX_XMPP_PASSWORD_FILE: "/run/pw", CUSAX_SIP_TRANSPORT: "tls" }, { "/run/pw": "from-file\n" }),
    );
    expect(c.sip.password.reveal()).toBe("from-env");
    expect(c.xmpp.password.reveal()).toBe("from-file");
    expect(c.sip.transport).toBe("tls");
  });

  it("never shows a password when printed, inspected or serialised", () => {
    const c = resolveConfig(sources(base));
    const shown = [String(c.sip.password), JSON.stringify(c), inspect(c, { depth: 5 })].join("\n");
    expect(shown).not.toContain("sip-pw");
    expect(shown).not.toContain("xmpp-pw");
  });

  it("reports every problem at once, readably", () => {
    let err: unknown;
    try {
      resolveConfig(sources({ sip: { aor: "alice", transport: "carrier-pigeon" }, xmpp: {}, api: { host: "0.0.0.0" } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigProblem);
    const problems = (err as ConfigProblem).problems.join("\n");
    expect(problems).toContain("sip.aor");
    expect(problems).toContain("sip.transport");
    expect(problems).toContain("xmpp.jid");
    expect(problems).toContain("loopback only");
    expect(problems).toContain("xmpp.password");
  });

  it("media.srtp: offered by default, off or required when asked, anything else a problem", () => {
    expect(resolveConfig(sources(base)).media.srtp).toBe("offered");
    expect(resolveConfig(sources({ ...base, media: { srtp: "required" } })).media).toEqual({ srtp: "required" });
    expect(resolveConfig(sources({ ...base, media: { srtp: "required" } }, { CUSAX_MEDIA_SRTP: "off" })).media.srtp).toBe("off");
    expect(() => resolveConfig(sources({ ...base, media: { srtp: "always" } }))).toThrow(/media\.srtp: expected off, offered or required, got "always"/);
  });

  it("finds the config in the XDG config dir", () => {
    expect(defaultConfigPath({ XDG_CONFIG_HOME: "/x" })).toBe("/x/cusax/config.json");
    expect(defaultConfigPath({ HOME: "/h" })).toBe("/h/.config/cusax/config.json");
  });
});
