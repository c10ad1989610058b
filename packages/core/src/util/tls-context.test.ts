import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { sharedSecureContext, sharedSecureContextCount } from "./tls-context.js";

// Any valid PEM certificate does as an "extra CA" here.
const [a, b] = [tls.rootCertificates[0]!, tls.rootCertificates[1]!];

describe("sharedSecureContext", () => {
  it("gives no context without extra CAs (Node's default store is already shared)", () => {
    expect(sharedSecureContext(undefined)).toBeUndefined();
    expect(sharedSecureContext([])).toBeUndefined();
  });

  it("builds one context per CA list and hands the same one out again", () => {
    const first = sharedSecureContext([a]);
    expect(first).toBeDefined();
    expect(sharedSecureContext([a])).toBe(first);
    expect(sharedSecureContext([`${a}`])).toBe(first);
    expect(sharedSecureContext([b])).not.toBe(first);
    expect(sharedSecureContext([a, b])).not.toBe(sharedSecureContext([b, a]));
  });

  it("keeps at most 16 trust configurations, dropping the least recently used", () => {
    const kept = sharedSecureContext([a]);
    for (let i = 0; i < 20; i++) {
      sharedSecureContext([a, tls.rootCertificates[2 + i]!]);
      sharedSecureContext([a]); // used again: stays
    }
    expect(sharedSecureContextCount()).toBe(16);
    expect(sharedSecureContext([a])).toBe(kept);
  });
});
