import { describe, expect, it } from "vitest";
import { serializeSipMessageString } from "../message/index.js";
import { buildAckForNon2xx, buildCancel, buildTrying } from "./build.js";
import { request, response } from "./testing.js";

const invite = request({
  branch: "z9hG4bKnashds8",
  extra: ["Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>", "Timestamp: 54", "Subject: lunch"],
});

describe("messages the transaction layer builds", () => {
  it("ACK for a non-2xx (§17.1.1.3): INVITE's Request-URI, Call-ID, From, top Via, Route, CSeq number; the response's To", () => {
    const ack = buildAckForNon2xx(invite, response(invite, 486, "callee-tag"));
    expect(serializeSipMessageString(ack)).toBe(
      [
        "ACK sip:bob@biloxi.example.com SIP/2.0",
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
        "Max-Forwards: 70",
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
        "To: Bob <sip:bob@biloxi.example.com>;tag=callee-tag",
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com",
        "CSeq: 314159 ACK",
        "Route: <sip:p1.example.com;lr>",
        "Route: <sip:p2.example.com;lr>",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n"),
    );
  });

  it("CANCEL (§9.1): same branch, To without a tag, CSeq number with method CANCEL", () => {
    const cancel = buildCancel(invite);
    expect(cancel.method).toBe("CANCEL");
    expect(cancel.headers.via()).toHaveLength(1);
    expect(cancel.headers.via()[0]!.params.get("branch")).toBe("z9hG4bKnashds8");
    expect(cancel.headers.to()?.tag).toBeUndefined();
    expect(cancel.headers.cseq()).toEqual({ seq: 314159, method: "CANCEL" });
    expect(cancel.headers.getAll("Route")).toHaveLength(2);
    expect(cancel.headers.has("Subject")).toBe(false);
    expect(() => buildCancel(request({ method: "BYE" }))).toThrow(/CANCEL is for INVITE/);
  });

  it("100 Trying (§8.2.6): Via, From, To, Call-ID, CSeq and Timestamp copied, no To tag", () => {
    const trying = buildTrying(invite);
    expect(trying.status).toBe(100);
    expect(trying.headers.get("Timestamp")).toBe("54");
    expect(trying.headers.to()?.tag).toBeUndefined();
    expect(trying.headers.getAll("Via")).toEqual(invite.headers.getAll("Via"));
    expect(trying.headers.has("Contact")).toBe(false);
  });
});
