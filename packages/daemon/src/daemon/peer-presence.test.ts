// A contact's presence as one value for the web app (RFC 6121 §4.7.2.1).
import { describe, expect, it } from "vitest";
import { peerPresence } from "./peer-presence.js";

const table = (byJid: Record<string, { show?: string; status?: string }[]>) => ({ presencesOf: (jid: string) => byJid[jid] ?? [] });

describe("peerPresence", () => {
  it("is the most available resource, offline without any", () => {
    const t = table({
      "bob@x": [{ show: "dnd", status: "On the phone" }, { show: "away", status: "lunch" }],
      "carol@x": [{ status: "here" }, { show: "xa" }],
    });
    expect(peerPresence(t, "bob@x")).toEqual({ show: "away", status: "lunch" });
    expect(peerPresence(t, "carol@x")).toEqual({ show: "available", status: "here" });
    expect(peerPresence(t, "dave@x")).toEqual({ show: "offline" });
    expect(peerPresence({}, "bob@x")).toEqual({ show: "offline" });
  });
});
