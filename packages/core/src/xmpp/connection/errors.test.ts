// RFC 6120 §6.5, §4.9.3 and TLS failures classified for a person (protocol.md D34).
import { describe, expect, it } from "vitest";
import { ConfigError, SaslError, StreamError, TimeoutError, TransportError } from "../../util/errors.js";
import { classifyFailure, toCusaxError } from "./errors.js";

describe("classifyFailure (D34)", () => {
  it("credentials refused: never retried", () => {
    expect(classifyFailure(new SaslError("not-authorized"))).toEqual({ kind: "credentials", message: "the server refused the password (SASL not-authorized)", retry: "none" });
    expect(classifyFailure(new StreamError("not-authorized"))).toMatchObject({ kind: "credentials", retry: "none" });
    expect(classifyFailure(new SaslError("temporary-auth-failure"))).toMatchObject({ kind: "server", retry: "backoff" });
  });

  it("a certificate: its verification code, on the slow schedule", () => {
    const cause = Object.assign(new Error("unable to verify the first certificate"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    expect(classifyFailure(toCusaxError(cause))).toEqual({
      kind: "certificate", code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", retry: "slow",
      message: "the XMPP server's certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    });
  });

  it("the network and the server: back-off; our own setting or a domain the server lacks: none", () => {
    const refused = toCusaxError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5222"), { code: "ECONNREFUSED" }));
    expect(classifyFailure(refused)).toMatchObject({ kind: "unreachable", code: "ECONNREFUSED", retry: "backoff" });
    expect(classifyFailure(new TimeoutError("timed out"))).toMatchObject({ kind: "unreachable", retry: "backoff" });
    expect(classifyFailure(new StreamError("system-shutdown"))).toMatchObject({ kind: "server", retry: "backoff" });
    expect(classifyFailure(new StreamError("host-unknown"))).toMatchObject({ kind: "address", retry: "none" });
    expect(classifyFailure(new ConfigError("bad XMPP service URI x"))).toMatchObject({ kind: "local", retry: "none" });
    expect(classifyFailure(new TransportError("socket hang up"))).toMatchObject({ kind: "unreachable", retry: "backoff" });
  });
});
