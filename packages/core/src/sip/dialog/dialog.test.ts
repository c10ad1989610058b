// RFC 3261 §12.1 (dialog creation, route set), §12.2.1.1 (in-dialog requests, loose and strict routing), §12.2.2, §13.2.2.4.
import { describe, expect, it } from "vitest";
import { parseSipMessage, serializeSipHead, serializeUri, type SipRequest, type SipResponse } from "../message/index.js";
import { buildResponse, nextHop } from "./build.js";
import { Dialog, requestDialogKey } from "./dialog.js";
import { InviteForks } from "./forks.js";

const VIA = { transport: "UDP", host: "192.0.2.1", port: 5060 };

function invite(extra: string[] = []): SipRequest {
  const lines = [
    "INVITE sip:bob@biloxi.example.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc",
    "Max-Forwards: 70",
    'From: "Alice" <sip:alice@atlanta.example.com>;tag=a1',
    "To: <sip:bob@biloxi.example.com>",
    "Call-ID: c1@atlanta",
    "CSeq: 10 INVITE",
    "Contact: <sip:alice@192.0.2.1>",
    ...extra,
    "Content-Length: 0",
  ];
  return parseSipMessage(lines.join("\r\n") + "\r\n\r\n") as SipRequest;
}

function answer(req: SipRequest, status: number, tag: string, rr: string[] = [], contact = "<sip:bob@192.0.2.2>"): SipResponse {
  const res = buildResponse(req, status, { toTag: tag, contact });
  for (const r of rr) res.headers.append("Record-Route", r);
  return parseSipMessage(Buffer.from(serializeSipHead(res))) as SipResponse;
}

describe("Dialog", () => {
  it("UAC: route set is the Record-Route reversed; requests go to the remote target via loose routes", () => {
    const req = invite();
    const d = Dialog.asUac(req, answer(req, 200, "b1", ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]));
    expect(d.state).toBe("confirmed");
    expect(d.routeSet).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
    const bye = d.createRequest("BYE", { via: VIA });
    expect(serializeUri(bye.uri)).toBe("sip:bob@192.0.2.2");
    expect(bye.headers.getAll("Route")).toEqual(["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]);
    expect(bye.headers.cseq()).toEqual({ seq: 11, method: "BYE" });
    expect(bye.headers.get("From")).toBe('Alice <sip:alice@atlanta.example.com>;tag=a1');
    expect(bye.headers.get("To")).toBe("<sip:bob@biloxi.example.com>;tag=b1");
    expect(serializeUri(nextHop(bye))).toBe("sip:p1.example.com;lr");
  });

  it("strict router first: it becomes the Request-URI and the remote target goes last in Route", () => {
    const req = invite();
    const d = Dialog.asUac(req, answer(req, 200, "b1", ["<sip:p2.example.com;lr>", "<sip:p1.example.com>"]));
    const bye = d.createRequest("BYE", { via: VIA });
    expect(serializeUri(bye.uri)).toBe("sip:p1.example.com");
    expect(bye.headers.getAll("Route")).toEqual(["<sip:p2.example.com;lr>", "<sip:bob@192.0.2.2>"]);
  });

  it("UAS: route set in Record-Route order, remote CSeq checked (§12.2.2)", () => {
    const req = invite(["Record-Route: <sip:p1.example.com;lr>"]);
    const d = Dialog.asUas(req, "b1", "confirmed");
    expect(d.routeSet).toEqual(["<sip:p1.example.com;lr>"]);
    expect(serializeUri(d.remoteTarget)).toBe("sip:alice@192.0.2.1");
    const inDialog = (seq: number, method = "BYE") =>
      parseSipMessage(
        [`${method} sip:bob@192.0.2.2 SIP/2.0`, "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx", "From: <sip:alice@a>;tag=a1", "To: <sip:bob@b>;tag=b1", "Call-ID: c1@atlanta", `CSeq: ${seq} ${method}`, "Contact: <sip:alice@192.0.2.7>", "", ""].join("\r\n"),
      ) as SipRequest;
    expect(requestDialogKey(inDialog(11))).toBe(d.key);
    expect(d.acceptRemoteSeq(inDialog(9))).toBe(false);
    expect(d.acceptRemoteSeq(inDialog(11))).toBe(true);
    expect(d.acceptRemoteSeq(inDialog(11))).toBe(false);
    expect(d.acceptRemoteSeq(inDialog(11, "ACK"))).toBe(true);
    d.refreshTarget(inDialog(12, "INVITE"));
    expect(serializeUri(d.remoteTarget)).toBe("sip:alice@192.0.2.7");
  });

  it("moves early -> confirmed -> terminated and refuses going back", () => {
    const req = invite();
    const d = Dialog.asUac(req, answer(req, 180, "b1"));
    const moves: string[] = [];
    d.events.on("state", ({ from, to }) => moves.push(`${from}>${to}`));
    d.confirm();
    d.terminate();
    expect(moves).toEqual(["early>confirmed", "confirmed>terminated"]);
    d.confirm();
    expect(d.state).toBe("terminated");
  });
});

describe("InviteForks (RFC 3261 §13.2.2.4)", () => {
  it("keeps one early dialog per To tag; the first 2xx wins; a later 2xx is late; retransmissions are known", () => {
    const req = invite();
    const forks = new InviteForks(req);
    expect(forks.onResponse(answer(req, 100, "")).kind).toBe("none");
    const a = forks.onResponse(answer(req, 180, "a"));
    const b = forks.onResponse(answer(req, 180, "b"));
    expect(a.kind === "early" && a.isNew && b.kind === "early" && b.isNew).toBe(true);
    expect(forks.early).toHaveLength(2);
    expect(forks.onResponse(answer(req, 200, "b")).kind).toBe("confirmed");
    expect(forks.early).toHaveLength(0);
    expect(forks.onResponse(answer(req, 200, "b")).kind).toBe("retransmission");
    const late = forks.onResponse(answer(req, 200, "a"));
    expect(late.kind).toBe("late-2xx");
    expect(forks.confirmed?.id.remoteTag).toBe("b");
  });

  it("a final failure ends the early dialogs", () => {
    const req = invite();
    const forks = new InviteForks(req);
    forks.onResponse(answer(req, 183, "a"));
    expect(forks.onResponse(answer(req, 486, "a")).kind).toBe("failed");
    expect(forks.early).toHaveLength(0);
  });
});

describe("golden: Kamailio's 200 with a double Record-Route (r2=on, TLS towards us, UDP towards baresip)", () => {
  it("our BYE goes to the TLS side first, Request-URI = baresip's Contact, both routes kept", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("./fixtures/kamailio-200-double-rr.sip", import.meta.url));
    const ok = parseSipMessage(text) as SipResponse;
    const req = invite();
    req.headers.set("From", "<sip:alice@example.test>;tag=6f1c2a");
    req.headers.set("Call-ID", "9c8b7a6f5e4d3c2b1a00");
    req.headers.set("CSeq", "2 INVITE");
    const d = Dialog.asUac(req, ok);
    expect(d.id).toEqual({ callId: "9c8b7a6f5e4d3c2b1a00", localTag: "6f1c2a", remoteTag: "aB3dE5" });
    const bye = d.createRequest("BYE", { via: VIA });
    expect(serializeUri(bye.uri)).toBe("sip:bob-0x55d1@127.0.0.1:22668");
    expect(bye.headers.getAll("Route")).toEqual(["<sip:127.0.0.1:35061;transport=tls;r2=on;lr>", "<sip:127.0.0.1:35060;r2=on;lr>"]);
    expect(serializeUri(nextHop(bye))).toBe("sip:127.0.0.1:35061;transport=tls;r2=on;lr");
    expect(bye.headers.cseq()).toEqual({ seq: 3, method: "BYE" });
  });
});
