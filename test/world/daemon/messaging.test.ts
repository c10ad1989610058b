// World: the daemon's messaging through its HTTP API and events, against real
// peers: a slixmpp bob (XEP-0184 receipts, XEP-0333 markers both ways,
// XEP-0085 chat states both ways, unread and read), baresip (a SIP MESSAGE we
// send, DTMF it sends, SRTP required with a phone that demands it and with
// one that cannot), linphonec (a SIP MESSAGE it sends), and XEP-0313 catch-up across restarts of a message our
// other resource took while the daemon was down. The steps share one world and run in order.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, startLinphone, startProsody, startSlixPeer, until, useCleanup, type Baresip, type Kamailio, type Prosody, type SlixPeer } from "../index.js";
import { startDaemon, writeConfig, type Daemon } from "./daemon-kit.js";
import { openApi, type Api, type ApiEvent } from "./messaging-kit.js";

type Message = { id: number; conversationId: number; direction: string; body: string; state: string; from: string };
type Contact = { jids: string[]; sip: string[]; subscription?: string; unread?: number };
type CallView = { id: string; state: string; reason?: string };
type Item = { kind: string; body?: string; direction?: string; state?: string };

const track = useCleanup();
const poll = { timeoutMs: 45_000, intervalMs: 200 };
const WAIT = 45_000;

let prosody: Prosody;
let kamailio: Kamailio;
let dir: string;
let daemon: Daemon;
let api: Api;
let bob: SlixPeer;
let aliceJid: string;
let bobJid: string;
let conversationId: number;

async function start(media: Record<string, string> = {}): Promise<void> {
  daemon = track(await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio, media)));
  api = await openApi(daemon.dataDir);
  await until("alice online and registered", async () => {
    const s = (await api.call<{ sip: { registration: string }; xmpp: { state: string } }>("GET", "/status")).body;
    return s.sip.registration === "registered" && s.xmpp.state === "online";
  }, poll);
}

const event = (match: (e: ApiEvent) => boolean, what: string) => api.events.wait(match, what, WAIT);
const contactBob = async () => (await api.call<{ contacts: Contact[] }>("GET", "/contacts")).body.contacts.find((c) => c.jids.includes(bobJid));
const history = async (who: string) => (await api.call<{ items: Item[] }>("GET", `/history?contact=${encodeURIComponent(who)}`)).body.items;

beforeAll(async () => {
  prosody = track(await startProsody({ users: ["alice", "bob"] }));
  kamailio = track(await startKamailio({ users: ["alice", "carol", "secure", "dave"] }));
  dir = makeWorldDir("daemon-messaging");
  track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
  aliceJid = prosody.users.alice!.jid;
  bobJid = prosody.users.bob!.jid;
  bob = track(await startSlixPeer(prosody, "bob"));
  await start();
  // alice asks, bob approves and asks back; the daemon approves whom it asked.
  expect((await api.call("POST", "/contacts", { jid: bobJid })).status).toBe(201);
  await bob.waitEvent((e) => e.type === "presence" && e.ptype === "subscribe", "alice's subscription request");
  await bob.command({ cmd: "approve", to: aliceJid });
  await bob.command({ cmd: "subscribe", to: aliceJid });
  await until("subscribed both ways", async () => (await contactBob())?.subscription === "both", poll);
});

afterAll(async () => api?.stop());

describe("the daemon's messaging with real peers", () => {
  it("XEP-0184: bob's receipt makes our message delivered; his XEP-0333 displayed marker makes it displayed", async () => {
    const sent = (await api.call<{ conversationId: number; message: Message }>("POST", "/messages", { to: bobJid, text: "hello bob" })).body;
    conversationId = sent.conversationId;
    const got = await bob.waitEvent((e) => e.type === "message" && e.body === "hello bob", "bob has the message");
    expect(got).toMatchObject({ markable: true, receipt_request: true, chatstate: "active" });
    await event((e) => e.type === "messageState" && e.messageId === sent.message.id && e.state === "delivered", "delivered");
    await bob.command({ cmd: "marker", to: got.from as string, id: got.id as string, thread: got.thread as string });
    await event((e) => e.type === "messageState" && e.messageId === sent.message.id && e.state === "displayed", "displayed");
    expect((await history(bobJid)).find((i) => i.body === "hello bob")?.state).toBe("displayed");
  });

  it("unread: bob's message counts until we read it; reading sends him the displayed marker", async () => {
    await bob.command({ cmd: "send", to: aliceJid, body: "are you there?", id: "bob-m1", markable: true, receipt: true, chatstate: "active" });
    const m = (await event((e) => e.type === "message" && (e.message as Message).body === "are you there?", "bob's message")).message as Message;
    expect((await contactBob())?.unread).toBe(1);
    const convs = (await api.call<{ conversations: { id: number; unread: number }[] }>("GET", `/conversations?with=${bobJid}`)).body.conversations;
    expect(convs.find((c) => c.id === m.conversationId)?.unread).toBe(1);
    expect(await api.call("POST", `/conversations/${m.conversationId}/read`, { upTo: m.id })).toEqual({ status: 201, body: { unread: 0 } });
    expect(await bob.waitEvent((e) => e.type === "marker", "bob gets a marker")).toMatchObject({ kind: "displayed", id: "bob-m1" });
    expect((await contactBob())?.unread).toBe(0);
    expect((await api.call("POST", `/conversations/${m.conversationId}/read`, { upTo: 99999 })).status).toBe(400);
  });

  it("XEP-0085: chat states travel both ways; a message from bob ends his composing", async () => {
    const seen = api.events.events.length;
    await bob.command({ cmd: "chatstate", to: aliceJid, state: "composing" });
    const typing = await event((e) => e.type === "chatState" && e.state === "composing", "bob composing");
    expect(typing).toMatchObject({ from: bob.jid, conversationId });
    await bob.command({ cmd: "send", to: aliceJid, body: "done typing" });
    await event((e) => e.type === "chatState" && e.state === "active" && api.events.events.indexOf(e) > seen, "bob active again");
    // bob's last message had no state: §5.1 says stop; his next with a state allows it again.
    expect((await api.call("POST", `/conversations/${conversationId}/chat-state`, { state: "composing" })).body).toEqual({ sent: false });
    await bob.command({ cmd: "send", to: aliceJid, body: "with a state", chatstate: "active" });
    await event((e) => e.type === "message" && (e.message as Message).body === "with a state", "bob's message with a state");
    expect((await api.call("POST", `/conversations/${conversationId}/chat-state`, { state: "composing" })).body).toEqual({ sent: true });
    const heard = await bob.waitEvent((e) => e.type === "chatstate" && e.state === "composing", "bob sees alice composing");
    expect(heard).toMatchObject({ from: expect.stringContaining(`${aliceJid}/`), body: null });
  });
});

describe("with baresip", () => {
  let carol: Baresip;
  let secure: Baresip;
  let carolAor: string;

  beforeAll(async () => {
    const tone = await makeTone(join(dir, "tone.wav"), 1000, { seconds: 30 });
    [carol, secure] = await Promise.all([
      startBaresip(kamailio, "carol", { source: tone, answer: "auto", label: "baresip-carol" }).then(track),
      startBaresip(kamailio, "secure", { source: tone, answer: "auto", modules: ["srtp"], accountParams: ";mediaenc=srtp-mand", label: "baresip-secure" }).then(track),
    ]);
    await Promise.all([carol.registered(), secure.registered()]);
    carolAor = `sip:carol@${kamailio.domain}`;
  });

  async function established(to: string): Promise<CallView> {
    const { call } = (await api.call<{ call: CallView }>("POST", "/calls", { to })).body;
    await event((e) => e.type === "call" && (e.call as CallView).id === call.id && (e.call as CallView).state === "established", `call to ${to} established`);
    return call;
  }

  it("RFC 3428: a SIP MESSAGE we send reaches baresip and is delivered (200)", async () => {
    const { body } = await api.call<{ conversationId: number; message: Message }>("POST", "/messages", { to: carolAor, text: "hello carol over SIP" });
    expect(body.message.state).toBe("pending");
    await event((e) => e.type === "messageState" && e.messageId === body.message.id && e.state === "delivered", "SIP MESSAGE delivered");
    // baresip 1.0 shows a MESSAGE only to a UI module: its 200 on the wire, after the body reached it, is the proof.
    const wire = await kamailio.wireRecords();
    const toPhone = wire.find((r) => /^MESSAGE sip:carol-/.test(r.text) && r.text.includes("hello carol over SIP"));
    expect(toPhone).toBeDefined();
    const callId = /^Call-ID:\s*(\S+)/im.exec(toPhone!.text)![1]!;
    expect(wire.some((r) => r.text.startsWith("SIP/2.0 200") && r.text.includes(callId) && /CSeq: \d+ MESSAGE/.test(r.text))).toBe(true);
    expect((await history(carolAor)).map((i) => [i.direction, i.body, i.state])).toEqual([["out", "hello carol over SIP", "delivered"]]);
  });

  it("RFC 3428: a SIP MESSAGE from linphonec (a SIP-only contact) is in its timeline and a message event", async () => {
    const dave = track(await startLinphone({ sip: kamailio, user: "dave", label: "linphone-dave" }));
    await dave.registered();
    // linphonec sends the rest of the line as the body, quotes and all.
    await dave.command(`chat sip:alice@${kamailio.domain} hello from linphone`);
    const got = await event((e) => e.type === "message" && (e.message as Message).body === "hello from linphone", "linphone's MESSAGE");
    expect(got.message).toMatchObject({ direction: "in", from: `sip:dave@${kamailio.domain}`, state: "received" });
    expect((await history(`sip:dave@${kamailio.domain}`)).map((i) => [i.direction, i.body])).toEqual([["in", "hello from linphone"]]);
    await dave.stop();
  });

  it("RFC 4733: a digit baresip sends is a dtmf event of the call", async () => {
    const call = await established(carolAor);
    expect((await carol.command("sndcode", "7")).ok).toBe(true);
    expect(await event((e) => e.type === "dtmf", "a dtmf event")).toMatchObject({ callId: call.id, digit: "7" });
    await api.call("POST", `/calls/${call.id}/hangup`);
    await event((e) => e.type === "call" && (e.call as CallView).id === call.id && (e.call as CallView).state === "ended", "call ended");
  });

  it("XEP-0313: a message our other resource took while the daemon was down is in the history once, also after another restart", async () => {
    await api.stop();
    await daemon.stop();
    const phone = track(await startSlixPeer(prosody, "alice", { resource: "phone" }));
    await bob.command({ cmd: "send", to: phone.jid, body: "while you were away" });
    await phone.waitEvent((e) => e.type === "message" && e.body === "while you were away", "alice's phone has it");
    await phone.stop();
    const count = async () => (await history(bobJid)).filter((i) => i.body === "while you were away").length;
    for (const round of [1, 2]) {
      await start({ srtp: "required" });
      await until(`round ${round}: the archive caught up`, () => daemon.log().includes("archive catch-up done"), poll);
      expect(await count()).toBe(1);
      if (round === 1) {
        await api.stop();
        await daemon.stop();
      }
    }
  });

  it("media.srtp required: a call to a phone that demands SRTP works; a plain phone's refusal and a plain offer say why", async () => {
    const call = await established(`sip:secure@${kamailio.domain}`);
    await api.call("POST", `/calls/${call.id}/hangup`);
    // The stored call's change is published when it ends (docs/api.md callRecord).
    const record = (e: ApiEvent, id: string) => e.type === "callRecord" && (e.record as { sipCallId?: string }).sipCallId === id;
    const done = (await event((e) => record(e, call.id) && (e.record as { endedAt?: number }).endedAt !== undefined, "the ended call's record")).record;
    expect(done).toMatchObject({ direction: "out", outcome: "answered" });
    // Our RTP/SAVP offer to a phone without SRTP: refused, and the record says why.
    const { call: refused } = (await api.call<{ call: CallView }>("POST", "/calls", { to: carolAor })).body;
    const ended = (await event((e) => e.type === "call" && (e.call as CallView).id === refused.id && (e.call as CallView).state === "ended", "refused call ended")).call as CallView;
    expect(ended.reason).toMatch(/^srtp-required/);
    // baresip's plain offer: answering it is refused with 488, and the log says why.
    expect((await carol.command("dial", `sip:alice@${kamailio.domain}`)).ok).toBe(true);
    const incoming = (await event((e) => e.type === "incomingCall", "carol's call")).call as CallView;
    // An incoming call is announced before any of its state changes.
    const about = api.events.events.filter((e) => (e.type === "call" || e.type === "incomingCall") && (e.call as CallView).id === incoming.id);
    expect(about[0]?.type).toBe("incomingCall");
    expect((await api.call("POST", `/calls/${incoming.id}/answer`)).body).toMatchObject({ answered: false });
    const gone = (await event((e) => e.type === "call" && (e.call as CallView).id === incoming.id && (e.call as CallView).state === "ended", "incoming refused")).call as CallView;
    expect(gone.reason).toBe("srtp-required: the offer has no a=crypto");
    expect((await event((e) => record(e, incoming.id) && (e.record as { endedAt?: number }).endedAt !== undefined, "the refused call's record")).record).toMatchObject({ direction: "in", outcome: "failed", reason: "srtp-required: the offer has no a=crypto" });
    expect(daemon.log()).toContain("SRTP is required (media.srtp) but the offer has no a=crypto");
  });
});
