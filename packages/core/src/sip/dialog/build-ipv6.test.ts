// RFC 3261 §25.1 / RFC 5118 §4.1: the Via of requests built in dialogs writes an IPv6 sent-by as a reference.
import { describe, expect, it } from "vitest";
import { parseVia } from "../message/index.js";
import { serializeViaSpec } from "./build.js";

describe("serializeViaSpec on IPv6", () => {
  it("brackets a bare IPv6 host once, and the result parses", () => {
    const bare = serializeViaSpec({ transport: "udp", host: "::1", port: 5060 }, "z9hG4bKx");
    expect(bare).toBe("SIP/2.0/UDP [::1]:5060;branch=z9hG4bKx;rport");
    expect(serializeViaSpec({ transport: "tcp", host: "[2001:db8::1]", port: 5070 }, "z9hG4bKy")).toBe("SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKy;rport");
    expect(parseVia(bare)).toMatchObject({ host: "[::1]", port: 5060 });
    expect(serializeViaSpec({ transport: "udp", host: "192.0.2.1", port: 5060 }, "z9hG4bKz")).toBe("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKz;rport");
  });
});
