// RFC 3261 §10.2, RFC 5626 §4.2-§4.5, RFC 5627 §4.2 with a FakeClock and fake layers: no network.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { TransportError } from "../../util/errors.js";
import { Emitter } from "../../util/events.js";
import { computeDigestResponse } from "../auth/index.js";
import { parseSipMessage, parseSipUri, type SipRequest, type SipResponse } from "../message/index.js";
import type { ClientTransactionUser } from "../transaction/index.js";
import type { SipTarget, TransportEvents } from "../transport/index.js";
import { Registration } from "./registration.js";
import type { RegistrationOptions, RegistrationState } from "./types.js";

const INSTANCE = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6";
const UDP: SipTarget = { transport: "UDP", host: "192.0.2.10", port: 5060 };
const TCP: SipTarget = { transport: "TCP", host: "192.0.2.10", port: 5060 };
const TLS: SipTarget = { transport: "TLS", host: "192.0.2.10", port: 5061 };

type Sent = { request: SipRequest; user: ClientTransactionUser; at: number };

function world(target: SipTarget = UDP, extra: Partial<RegistrationOptions> = {}) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const pings: string[] = [];
  const closed: string[] = [];
  const events = new Emitter<TransportEvents>();
  let flow: string | undefined = target.transport === "UDP" ? undefined : "tcp-1";
  const reg = new Registration({
    clock,
    aor: "sip:alice@example.test",
    target,
    instanceId: INSTANCE,
    credentials: { username: "alice", password: "secret" },
    expires: 600,
    random: () => 0.5,
    transactions: { request: (request, _t, user) => sent.push({ request, user, at: clock.now() }) },
    transport: {
      events,
      reliable: (t) => t.transport !== "UDP",
      contactUri: (t, user) => parseSipUri(`sip:${user}@192.0.2.1:5070${t === "UDP" ? "" : `;transport=${t.toLowerCase()}`}`),
      flowFor: () => flow,
      ping: (f) => (pings.push(f), f === flow),
      closeFlow: (f) => closed.push(f),
    },
    ...extra,
  });
  const states: RegistrationState[] = [];
  reg.events.on("state", ({ to }) => states.push(to));
  const failed: unknown[] = [];
  reg.events.on("failed", (f) => failed.push(f));
  const last = () => sent.at(-1)!;
  /** Answers the last request sent. */
  const answer = (status: number, reason: string, headers: string[] = []) => {
    const { request, user } = last();
    const h = request.headers;
    const text =
      `SIP/2.0 ${status} ${reason}\r\nVia: ${h.get("via")}\r\nFrom: ${h.get("from")}\r\nTo: ${h.get("to")};tag=srv\r\n` +
      `Call-ID: ${h.callId()}\r\nCSeq: ${h.get("cseq")}\r\n${headers.map((x) => `${x}\r\n`).join("")}Content-Length: 0\r\n\r\n`;
    user.onResponse(parseSipMessage(text) as SipResponse);
  };
  const ok = (expires = 600, gruu = true) =>
    answer(200, "OK", [
      `Contact: <sip:alice@192.0.2.1:5070>;expires=${expires};+sip.instance="<urn:uuid:${INSTANCE}>";reg-id=1` +
        (gruu ? `;pub-gruu="sip:alice@example.test;gr=urn:uuid:${INSTANCE}";temp-gruu="sip:tgruu.7hs@example.test;gr"` : ""),
      `Contact: <sip:alice@198.51.100.9>;expires=100`,
    ]);
  const challenge = (stale = false, nonce = "n1") => answer(401, "Unauthorized", [`WWW-Authenticate: Digest realm="example.test", nonce="${nonce}", qop="auth", algorithm=MD5${stale ? ", stale=true" : ""}`]);
  return { clock, sent, reg, states, failed, answer, ok, challenge, last, pings, closed, events, setFlow: (f: string | undefined) => (flow = f) };
}

describe("Registration: the REGISTER", () => {
  it("carries AoR, instance, reg-id, Supported gruu/outbound and Expires", () => {
    const w = world();
    void w.reg.start();
    const r = w.last().request;
    expect(r.method).toBe("REGISTER");
    expect(r.uri).toMatchObject({ scheme: "sip", host: "example.test" });
    expect(r.uri).not.toHaveProperty("user");
    expect(r.headers.to()?.uri).toMatchObject({ user: "alice", host: "example.test" });
    expect(r.headers.from()?.uri).toMatchObject({ user: "alice", host: "example.test" });
    expect(r.headers.from()?.tag).toBeTruthy();
    expect(r.headers.get("contact")).toBe(`<sip:alice@192.0.2.1:5070>;+sip.instance="<urn:uuid:${INSTANCE}>";reg-id=1`);
    expect(r.headers.getAll("supported")).toEqual(["gruu", "outbound"]);
    expect(r.headers.get("expires")).toBe("600");
    expect(r.headers.get("via")).toMatch(/;branch=z9hG4bK[0-9a-f]+;rport$/);
    expect(r.headers.cseq()).toEqual({ seq: 1, method: "REGISTER" });
    expect(w.states).toEqual(["registering"]);
  });
});

describe("Registration: digest", () => {
  it("answers a 401 with CSeq + 1, the same Call-ID and valid credentials, then registers", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.challenge();
    const retry = w.last().request;
    expect(w.sent).toHaveLength(2);
    expect(retry.headers.cseq()?.seq).toBe(2);
    expect(retry.headers.callId()).toBe(w.sent[0]!.request.headers.callId());
    const auth = retry.headers.get("authorization")!;
    expect(auth).toMatch(/username="alice"/);
    const p = Object.fromEntries([...auth.matchAll(/(\w+)="?([^",]+)"?/g)].map((m) => [m[1], m[2]]));
    const expected = computeDigestResponse({
      algorithm: "MD5", username: "alice", realm: "example.test", password: "secret", method: "REGISTER",
      uri: "sip:example.test", nonce: "n1", qop: "auth", nc: 1, cnonce: p.cnonce!,
    } as never);
    expect(p.response).toBe(expected);
    w.ok();
    await expect(outcome).resolves.toMatchObject({ ok: true });
    expect(w.reg.state).toBe("registered");
  });

  it("retries once on a stale nonce, without counting it as a failure", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.challenge(false, "n1");
    w.challenge(true, "n2");
    expect(w.sent).toHaveLength(3);
    expect(w.last().request.headers.get("authorization")).toMatch(/nonce="n2"/);
    w.ok();
    await expect(outcome).resolves.toMatchObject({ ok: true });
  });

  it("a wrong password is reported once as auth-failed, with no loop and no retry timer", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.challenge(false, "n1");
    w.challenge(false, "n2");
    await expect(outcome).resolves.toEqual({ ok: false, reason: "auth-failed", status: 401, detail: "401 Unauthorized" });
    expect(w.reg.state).toBe("failed");
    expect(w.failed).toEqual([{ reason: "auth-failed", status: 401, detail: "401 Unauthorized" }]);
    w.clock.advance(3_600_000);
    expect(w.sent).toHaveLength(2);
  });
});

describe("Registration: GRUU and contact", () => {
  it("learns pub-gruu and temp-gruu from our instance's Contact and uses the GRUU as contact", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.ok(300);
    const result = await outcome;
    expect(result).toEqual({
      ok: true,
      info: { contact: `sip:alice@example.test;gr=urn:uuid:${INSTANCE}`, gruu: `sip:alice@example.test;gr=urn:uuid:${INSTANCE}`, tempGruu: "sip:tgruu.7hs@example.test;gr", expires: 300 },
    });
    expect(w.reg.gruu).toBe(`sip:alice@example.test;gr=urn:uuid:${INSTANCE}`);
    expect(w.reg.tempGruu).toBe("sip:tgruu.7hs@example.test;gr");
    expect(w.reg.contact).toBe(w.reg.gruu);
  });

  it("without a GRUU, the contact is our transport contact", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.ok(300, false);
    await outcome;
    expect(w.reg.gruu).toBeUndefined();
    expect(w.reg.contact).toBe("sip:alice@192.0.2.1:5070");
  });
});

describe("Registration: timing", () => {
  it("refreshes at expires minus max(10 s, 10 %) of the granted time, keeping the state registered", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.ok(300);
    await outcome;
    w.clock.advance(269_999);
    expect(w.sent.filter((s) => s.request.method === "REGISTER")).toHaveLength(1);
    w.clock.advance(1);
    const regs = w.sent.filter((s) => s.request.method === "REGISTER");
    expect(regs).toHaveLength(2);
    expect(regs[1]!.at).toBe(270_000);
    expect(regs[1]!.request.headers.cseq()?.seq).toBe(2);
    w.answer(200, "OK", [`Contact: <sip:alice@192.0.2.1:5070>;expires=20;+sip.instance="<urn:uuid:${INSTANCE}>"`]);
    expect(w.states).toEqual(["registering", "registered"]);
    w.clock.advance(10_000); // 20 s granted: refresh after 10 s
    expect(w.sent.filter((s) => s.request.method === "REGISTER")).toHaveLength(3);
  });

  it("honours 423 Interval Too Brief with Min-Expires", async () => {
    const w = world(UDP, { expires: 30 });
    const outcome = w.reg.start();
    w.answer(423, "Interval Too Brief", ["Min-Expires: 120"]);
    expect(w.last().request.headers.get("expires")).toBe("120");
    w.ok(120);
    await expect(outcome).resolves.toMatchObject({ ok: true, info: { expires: 120 } });
  });

  it("403 and 404 fail with a reason and are not retried", async () => {
    for (const [status, reason] of [[403, "forbidden"], [404, "not-found"]] as const) {
      const w = world();
      const outcome = w.reg.start();
      w.answer(status, "No");
      await expect(outcome).resolves.toEqual({ ok: false, reason, status, detail: `${status} No` });
      w.clock.advance(3_600_000);
      expect(w.sent).toHaveLength(1);
    }
  });

  it("says where nothing answered, and when the next attempt goes out", async () => {
    const w = world(UDP);
    const outcome = w.reg.start();
    w.last().user.onFailure({ reason: "timeout", timer: "F" });
    await expect(outcome).resolves.toEqual({ ok: false, reason: "timeout", detail: "no answer from 192.0.2.10:5060 over udp", retryInMs: 45_000 });
  });

  it("503 with Retry-After: the next attempt after the server's delay, not the back-off", async () => {
    const w = world();
    void w.reg.start();
    w.answer(503, "Service Unavailable", ["Retry-After: 7"]);
    expect(w.failed).toEqual([{ reason: "rejected", status: 503, detail: "503 Service Unavailable", retryInMs: 7_000 }]);
    w.clock.advance(6_999);
    expect(w.sent).toHaveLength(1);
    w.clock.advance(1);
    expect(w.sent).toHaveLength(2);
  });

  it("a TLS certificate we do not trust: its verification code, retried only every 5-10 minutes", async () => {
    const w = world(TLS);
    void w.reg.start();
    const cause = Object.assign(new Error("unable to verify the first certificate"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    w.last().user.onFailure({ reason: "transport-error", error: new TransportError("TLS connect to 192.0.2.10:5061 failed: unable to verify the first certificate", { cause }) });
    expect(w.failed).toEqual([{
      reason: "transport-error", code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", certificate: true, retryInMs: 450_000,
      detail: "192.0.2.10:5061 over tls: TLS connect to 192.0.2.10:5061 failed: unable to verify the first certificate",
    }]);
  });

  it("UDP keep-alive: an OPTIONS every 24-30 s; no response means the flow failed and we re-register", async () => {
    const w = world(UDP);
    const outcome = w.reg.start();
    w.ok(600);
    await outcome;
    w.clock.advance(27_000); // random 0.5: 80 % + 0.5 * 20 % of 30 s
    expect(w.last().request.method).toBe("OPTIONS");
    expect(w.last().at).toBe(27_000);
    w.answer(200, "Keepalive");
    await Promise.resolve();
    w.clock.advance(27_000);
    expect(w.sent.filter((s) => s.request.method === "OPTIONS")).toHaveLength(2);
    w.last().user.onFailure({ reason: "timeout", timer: "F" });
    await Promise.resolve();
    expect(w.last().request.method).toBe("REGISTER");
    expect(w.states).toEqual(["registering", "registered", "registering"]);
  });

  it("TCP keep-alive: a CRLF ping on our flow, and no pong within 10 s fails the flow", async () => {
    const w = world(TCP);
    const outcome = w.reg.start();
    w.ok(600);
    await outcome;
    w.clock.advance(27_000);
    expect(w.pings).toEqual(["tcp-1"]);
    w.events.emit("pong", { flow: "tcp-1", target: TCP });
    w.clock.advance(27_000);
    expect(w.pings).toHaveLength(2);
    w.clock.advance(10_000);
    expect(w.closed).toEqual(["tcp-1"]);
    expect(w.last().request.method).toBe("REGISTER");
    expect(w.reg.state).toBe("registering");
  });

  it("after a flow failure, re-registers at once, then four quick retries, then 30 s * 2^n, jittered and capped", async () => {
    const w = world(TCP);
    const outcome = w.reg.start();
    w.ok(600);
    await outcome;
    w.events.emit("flow-failure", { flow: "tcp-1", target: TCP, error: new Error("reset") });
    expect(w.reg.state).toBe("registering");
    expect(w.sent).toHaveLength(2);
    const waits = failAndMeasure(w, 10);
    // random 0.5 -> 75 % of W; quick W = 1 s * 2^(n-1) for n <= 4, then W = min(1800 s, 30 s * 2^(n-4))
    expect(waits).toEqual([750, 1_500, 3_000, 6_000, 45_000, 90_000, 180_000, 360_000, 720_000, 1_350_000]);
    w.ok(600);
    expect(w.reg.state).toBe("registered");
    expect(w.failed).toHaveLength(10);
  });

  it("quick retries are for a flow that worked: a registrar down at start waits 30-60 s at once", async () => {
    const w = world(TCP);
    void w.reg.start();
    expect(failAndMeasure(w, 2)).toEqual([45_000, 90_000]);
  });

  it("the quick retries start again after a recovery succeeded", async () => {
    const w = world(TCP);
    const outcome = w.reg.start();
    w.ok(600);
    await outcome;
    w.events.emit("flow-failure", { flow: "tcp-1", target: TCP, error: new Error("reset") });
    expect(failAndMeasure(w, 2)).toEqual([750, 1_500]);
    w.ok(600);
    w.events.emit("flow-failure", { flow: "tcp-1", target: TCP, error: new Error("reset") });
    expect(failAndMeasure(w, 1)).toEqual([750]);
  });
});

/** Fails the last request `n` times with a transport error and returns each wait until the next REGISTER (250 ms steps). */
function failAndMeasure(w: ReturnType<typeof world>, n: number): number[] {
  const waits: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = w.clock.now();
    w.last().user.onFailure({ reason: "transport-error", error: new Error("refused") as never });
    expect(w.reg.state).toBe("failed");
    const sent = w.sent.length;
    while (w.sent.length === sent) w.clock.advance(250);
    expect(w.last().request.method).toBe("REGISTER");
    waits.push(w.clock.now() - before);
  }
  return waits;
}

describe("Registration: stop", () => {
  it("un-registers with Expires 0 (answering a challenge) and resolves on the 200", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.ok(600);
    await outcome;
    let done = false;
    const stopped = w.reg.stop().then(() => (done = true));
    expect(w.last().request.headers.get("expires")).toBe("0");
    expect(w.reg.state).toBe("unregistering");
    w.challenge(false, "n9");
    expect(w.last().request.headers.get("expires")).toBe("0");
    await Promise.resolve();
    expect(done).toBe(false);
    w.answer(200, "OK");
    await stopped;
    expect(w.reg.state).toBe("unregistered");
    expect(w.states.slice(-2)).toEqual(["unregistering", "unregistered"]);
    w.clock.advance(3_600_000);
    expect(w.sent.at(-1)!.request.headers.get("expires")).toBe("0");
  });

  it("stop() during the first attempt settles start() as stopped", async () => {
    const w = world();
    const outcome = w.reg.start();
    const stopped = w.reg.stop();
    await expect(outcome).resolves.toEqual({ ok: false, reason: "stopped" });
    w.answer(200, "OK");
    await stopped;
    expect(w.states).toEqual(["registering", "unregistering", "unregistered"]);
  });

  it("a second stop() shares the first; start() after a failure cancels the pending back-off", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.ok(600);
    await outcome;
    const a = w.reg.stop();
    const b = w.reg.stop();
    expect(b).toBe(a);
    w.answer(200, "OK");
    await a;
    const again = w.reg.start();
    w.last().user.onFailure({ reason: "timeout", timer: "F" });
    await again;
    expect(w.reg.state).toBe("failed");
    const retry = w.reg.start();
    w.ok(600);
    await expect(retry).resolves.toMatchObject({ ok: true });
    const n = w.sent.length;
    w.clock.advance(100_000); // the old back-off timer is gone: only keep-alives follow
    expect(w.sent.slice(n).every((s) => s.request.method === "OPTIONS")).toBe(true);
  });

  it("resolves after its time-out when nothing answers", async () => {
    const w = world();
    const outcome = w.reg.start();
    w.ok(600);
    await outcome;
    const stopped = w.reg.stop(5_000);
    w.clock.advance(5_000);
    await stopped;
    expect(w.reg.state).toBe("unregistered");
  });
});
