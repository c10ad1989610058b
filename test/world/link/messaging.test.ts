// World: messaging between two endpoints of ours (library use) on one Prosody:
// XEP-0184 receipts make alice's message delivered, XEP-0333 displayed once
// bob reads (and only then), unread counts on bob's side, chat states both
// ways; and a message alice's other resource (slixmpp) sends to bob: its
// sent carbon lands in alice's history and bob's receipt, carbon-copied to
// her, makes it delivered here too.
import { describe, expect, it } from "vitest";
import type { CusaxClient } from "../../../packages/core/src/index.js";
import { startSlixPeer, until, useCleanup } from "../index.js";
import { twoFriends } from "./link-kit.js";

const track = useCleanup();
const poll = { timeoutMs: 30_000, intervalMs: 100 };

function states(c: CusaxClient): string[] {
  const seen: string[] = [];
  c.events.on("messageState", ({ messageId, state }) => seen.push(`${messageId} ${state}`));
  return seen;
}

describe("receipts, markers, unread and chat states between two endpoints", () => {
  it("delivered on bob's receipt, displayed only once bob reads; chat states both ways; carbons of our other resource", async () => {
    const { prosody, alice, bob } = await twoFriends(track);
    const bobBare = `bob@${prosody.domain}`;
    const aliceBare = `alice@${prosody.domain}`;
    const seen = states(alice);
    const arrived: number[] = [];
    bob.events.on("message", ({ message }) => message.direction === "in" && arrived.push(message.conversationId));

    const conv = alice.conversationWith(bobBare);
    const sent = await alice.send(conv.id, "did you get this?");
    await until("delivered", () => seen.includes(`${sent.id} delivered`), poll);
    await until("bob has it", () => arrived.length === 1, poll);
    const bobConv = arrived[0]!;
    expect(bob.unread({ conversationId: bobConv })).toBe(1);
    expect(seen).not.toContain(`${sent.id} displayed`);

    // Chat states: bob's caps list them; alice's message carried <active/>, so bob may answer in kind.
    const typing = new Promise<{ from: string; conversationId?: number }>((resolve) => alice.events.on("chatState", (c) => c.state === "composing" && resolve(c)));
    expect(await bob.sendChatState(bobConv, "composing")).toBe(true);
    expect(await typing).toMatchObject({ from: expect.stringContaining(`${bobBare}/`), conversationId: conv.id });
    const paused = new Promise<{ conversationId?: number }>((resolve) => bob.events.on("chatState", (c) => c.state === "paused" && resolve(c)));
    expect(await alice.sendChatState(conv.id, "paused")).toBe(true);
    expect(await paused).toMatchObject({ conversationId: bobConv });

    expect(await bob.read(bobConv)).toEqual({ unread: 0, displayed: true });
    await until("displayed", () => seen.includes(`${sent.id} displayed`), poll);
    expect(alice.timeline(conv.peerContactId).find((i) => i.kind === "message" && i.message.id === sent.id)).toMatchObject({ message: { state: "displayed" } });

    // alice's phone (slixmpp) writes to bob; alice's endpoint gets the sent carbon and, through carbons, bob's receipt.
    const phone = track(await startSlixPeer(prosody, "alice", { resource: "phone" }));
    const carbon = new Promise<number>((resolve) => alice.events.on("message", ({ message }) => message.direction === "out" && message.body === "from my phone" && resolve(message.id)));
    await phone.command({ cmd: "send", to: bobBare, body: "from my phone", id: "phone-1", receipt: true });
    const carbonId = await carbon;
    await phone.waitEvent((e) => e.type === "receipt" && e.id === "phone-1", "the phone gets bob's receipt");
    await until("the carbon copy delivered too", () => seen.includes(`${carbonId} delivered`), poll);
    expect(aliceBare).toBe(phone.jid.split("/")[0]);
  });
});
