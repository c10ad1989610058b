import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { createLogger, type LogRecord } from "../../util/log.js";
import { parseSipMessage, serializeSipMessage, type SipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import { buildCancel } from "./build.js";
import { InviteServerTransaction } from "./invite-server.js";
import { TransactionLayer, type ServerTransaction, type TransactionUser } from "./layer.js";
import { clientUser, FakeTransport, flush, request, response, UDP } from "./testing.js";
import type { ServerFailure, SipTarget } from "./transaction.js";

function recordingUser() {
  const log: string[] = [];
  const requests: [SipRequest, ServerTransaction][] = [];
  const acks: SipRequest[] = [];
  const strays: SipResponse[] = [];
  const failures: ServerFailure[] = [];
  const user: TransactionUser = {
    onRequest: (r, tx) => {
      log.push(`request ${r.method}`);
      requests.push([r, tx]);
    },
    onAck: (a) => {
      log.push("ack");
      acks.push(a);
    },
    onStrayResponse: (r) => {
      log.push(`stray ${r.status}`);
      strays.push(r);
    },
    onServerFailure: (_tx, f) => failures.push(f),
  };
  return { user, log, requests, acks, strays, failures };
}

function setupLayer() {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const tu = recordingUser();
  const records: LogRecord[] = [];
  const layer = new TransactionLayer({
    transport,
    clock,
    user: tu.user,
    log: createLogger({ sink: (r) => records.push(r) }),
  });
  return { clock, transport, layer, records, ...tu };
}

describe("TransactionLayer: client side", () => {
  it("dispatches responses by branch and method; unmatched ones are stray", () => {
    const t = setupLayer();
    const invite = request({ branch: "z9hG4bKc1" });
    const tu = clientUser();
    const tx = t.layer.request(invite, UDP, tu.user);
    expect(t.layer.size).toEqual({ clients: 1, servers: 0 });
    t.layer.receive(response(invite, 180), UDP);
    t.layer.receive(response(request({ branch: "z9hG4bKother" }), 180), UDP);
    expect(tu.responses).toEqual([180]);
    expect(t.strays.map((r) => r.status)).toEqual([180]);
    expect(tx.state).toBe("proceeding");
  });

  it("forgets a terminated transaction: later 2xx retransmissions are stray (the TU ACKs them)", () => {
    const t = setupLayer();
    const invite = request({ branch: "z9hG4bKc2" });
    const tu = clientUser();
    t.layer.request(invite, UDP, tu.user);
    t.layer.receive(response(invite, 200), UDP);
    t.clock.advance(32_000);
    expect(t.layer.size).toEqual({ clients: 0, servers: 0 });
    t.layer.receive(response(invite, 200), UDP);
    expect(tu.responses).toEqual([200]);
    expect(t.log).toEqual(["stray 200"]);
  });

  it("runs CANCEL as its own transaction on the INVITE's branch", () => {
    const t = setupLayer();
    const invite = request({ branch: "z9hG4bKc3" });
    const inviteTu = clientUser();
    const cancelTu = clientUser();
    t.layer.request(invite, UDP, inviteTu.user);
    const cancel = buildCancel(invite);
    t.layer.request(cancel, UDP, cancelTu.user);
    expect(t.layer.size.clients).toBe(2);
    t.layer.receive(response(cancel, 200), UDP);
    t.layer.receive(response(invite, 487), UDP);
    expect(cancelTu.responses).toEqual([200]);
    expect(inviteTu.responses).toEqual([487]);
  });

  it("refuses an ACK, a request without an RFC 3261 branch, and a duplicate", () => {
    const t = setupLayer();
    const { user } = clientUser();
    expect(() => t.layer.request(request({ method: "ACK", cseqMethod: "ACK" }), UDP, user)).toThrow(/ACK/);
    expect(() => t.layer.request(request({ branch: "old" }), UDP, user)).toThrow(/z9hG4bK branch/);
    t.layer.request(request({ branch: "z9hG4bKdup" }), UDP, user);
    expect(() => t.layer.request(request({ branch: "z9hG4bKdup" }), UDP, user)).toThrow(/already exists/);
  });
});

describe("TransactionLayer: server side", () => {
  it("creates a server transaction for a new request and absorbs its retransmissions", () => {
    const t = setupLayer();
    const bye = request({ method: "BYE", branch: "z9hG4bKs1", toTag: "t" });
    t.layer.receive(bye, UDP);
    t.layer.receive(bye, UDP);
    expect(t.log).toEqual(["request BYE"]);
    const [, tx] = t.requests[0]!;
    tx.respond(response(bye, 200));
    t.layer.receive(bye, UDP);
    expect(t.transport.times(200)).toEqual([0, 0]);
    t.clock.advance(32_000);
    expect(t.layer.size.servers).toBe(0);
  });

  it("matches the ACK for a non-2xx to the INVITE transaction; passes the ACK for a 2xx (new branch) to the TU", () => {
    const t = setupLayer();
    const invite = request({ branch: "z9hG4bKs2" });
    t.layer.receive(invite, UDP);
    const [, tx] = t.requests[0]!;
    tx.respond(response(invite, 486));
    t.layer.receive(request({ method: "ACK", cseqMethod: "ACK", branch: "z9hG4bKs2", toTag: "a6c85cf" }), UDP);
    expect(tx.state).toBe("confirmed");
    expect(t.acks).toEqual([]);

    const invite2 = request({ branch: "z9hG4bKs3", cseq: 2 });
    t.layer.receive(invite2, UDP);
    t.requests[1]![1].respond(response(invite2, 200));
    t.layer.receive(request({ method: "ACK", cseqMethod: "ACK", branch: "z9hG4bKnew", cseq: 2, toTag: "a6c85cf" }), UDP);
    expect(t.acks).toHaveLength(1);
    expect(t.log).toEqual(["request INVITE", "request INVITE", "ack"]);
  });

  it("finds the INVITE a CANCEL refers to (§9.2), by branch or by RFC 2543 fields", () => {
    const t = setupLayer();
    t.layer.receive(request({ branch: "z9hG4bKs4" }), UDP);
    const cancel = request({ method: "CANCEL", branch: "z9hG4bKs4" });
    t.layer.receive(cancel, UDP);
    expect(t.log).toEqual(["request INVITE", "request CANCEL"]);
    expect(t.layer.findInvite(cancel)).toBe(t.requests[0]![1]);
    expect(t.layer.findInvite(request({ method: "CANCEL", branch: "z9hG4bKzzz" }))).toBeUndefined();

    // The CANCEL arrives (and gets its own transaction) before the INVITE it cancels is looked up.
    t.layer.receive(request({ branch: "legacy-1", callId: "old-call" }), UDP);
    const legacyCancel = request({ method: "CANCEL", branch: "legacy-1", callId: "old-call" });
    t.layer.receive(legacyCancel, UDP);
    expect(t.log.slice(2)).toEqual(["request INVITE", "request CANCEL"]);
    expect(t.layer.findInvite(legacyCancel)).toBe(t.requests[2]![1]);
  });

  it("RFC 2543 peers: retransmission and ACK matched without the magic cookie", () => {
    const t = setupLayer();
    const invite = request({ branch: "1a2b3c", callId: "legacy" });
    t.layer.receive(invite, UDP);
    t.layer.receive(request({ branch: "1a2b3c", callId: "legacy" }), UDP);
    expect(t.log).toEqual(["request INVITE"]);
    const tx = t.requests[0]![1] as InviteServerTransaction;
    tx.respond(response(invite, 603, "uas-tag"));
    t.layer.receive(request({ branch: "1a2b3c", callId: "legacy" }), UDP);
    expect(t.transport.times(603)).toEqual([0, 0]);
    // ACK with the To tag of the response sent: matched; the transaction is confirmed.
    t.layer.receive(request({ method: "ACK", cseqMethod: "ACK", branch: "1a2b3c", callId: "legacy", toTag: "uas-tag" }), UDP);
    expect(tx.state).toBe("confirmed");
    t.clock.advance(5000);
    expect(t.layer.size.servers).toBe(0);
  });

  it("reports Timer H to the user", () => {
    const t = setupLayer();
    const invite = request({ branch: "z9hG4bKs5" });
    t.layer.receive(invite, UDP);
    t.requests[0]![1].respond(response(invite, 480));
    t.clock.advance(32_000);
    expect(t.failures).toEqual([{ reason: "timeout", timer: "H" }]);
    expect(t.layer.size.servers).toBe(0);
  });

  it("drops a message whose Via does not parse, and logs it", () => {
    const t = setupLayer();
    const bad = request({ method: "OPTIONS" });
    bad.headers.set("Via", "SIP/2.0/UDP");
    t.layer.receive(bad, UDP);
    expect(t.log).toEqual([]);
    expect(t.records.map((r) => r.msg)).toEqual(["dropped a message with a malformed header"]);
  });
});

describe("two layers joined by a fake wire", () => {
  /** Each side's transport serializes, and the other side parses: the transcript is what crossed the wire. */
  function wire(answer?: (request: SipRequest, tx: ServerTransaction) => void) {
    const clock = new FakeClock();
    const transcript: string[] = [];
    const sides: Record<"alice" | "bob", TransactionLayer | undefined> = { alice: undefined, bob: undefined };
    const transportFor = (from: "alice" | "bob") => ({
      send(message: SipMessage, _target: SipTarget) {
        const parsed = parseSipMessage(serializeSipMessage(message));
        transcript.push(`${from}: ${parsed.kind === "request" ? parsed.method : parsed.status}`);
        sides[from === "alice" ? "bob" : "alice"]!.receive(parsed, { transport: "UDP", host: from, port: 5060 });
      },
      reliable: () => false,
    });
    const bob = recordingUser();
    if (answer) {
      const record = bob.user.onRequest;
      bob.user.onRequest = (r, tx) => {
        record(r, tx);
        answer(r, tx);
      };
    }
    sides.alice = new TransactionLayer({ transport: transportFor("alice"), clock, user: recordingUser().user });
    sides.bob = new TransactionLayer({ transport: transportFor("bob"), clock, user: bob.user });
    return { clock, transcript, alice: sides.alice, bob: sides.bob, bobTu: bob };
  }

  it("INVITE 100 180 486 ACK, and both sides end", () => {
    const w = wire();
    const alice = clientUser();
    const invite = request({ branch: "z9hG4bKwire" });
    w.alice.request(invite, UDP, alice.user);
    w.clock.advance(200); // Bob's TU is silent: its transaction sends 100
    const [received, tx] = w.bobTu.requests[0]!;
    tx.respond(response(received, 180));
    tx.respond(response(received, 486));
    expect(w.transcript).toEqual(["alice: INVITE", "bob: 100", "bob: 180", "bob: 486", "alice: ACK"]);
    expect(alice.responses).toEqual([100, 180, 486]);
    expect(tx.state).toBe("confirmed");
    w.clock.advance(32_000);
    expect(w.alice.size).toEqual({ clients: 0, servers: 0 });
    expect(w.bob.size).toEqual({ clients: 0, servers: 0 });
  });

  it("a response sent from inside onRequest, over a synchronous wire, still finds its client transaction", () => {
    const w = wire((r, tx) => tx.respond(response(r, 200)));
    const alice = clientUser();
    w.alice.request(request({ method: "OPTIONS", branch: "z9hG4bKsync" }), UDP, alice.user);
    expect(w.transcript).toEqual(["alice: OPTIONS", "bob: 200"]);
    expect(alice.responses).toEqual([200]);
  });
});

describe("TransactionLayer.close", () => {
  it("stops every timer and forgets every transaction; late transport failures reach nobody", async () => {
    const t = setupLayer();
    const tu = clientUser();
    t.transport.failWith = "async";
    t.layer.request(request({ branch: "z9hG4bKclose" }), UDP, tu.user);
    t.layer.receive(request({ method: "OPTIONS", branch: "z9hG4bKin" }), UDP);
    t.layer.close();
    await flush();
    expect(t.clock.pendingCount).toBe(0);
    expect(t.layer.size).toEqual({ clients: 0, servers: 0 });
    expect(tu.failures).toEqual([]);
  });
});
