import { describe, expect, it } from "vitest";
import { newlyApprovedBy } from "./after-approval.js";
import type { RosterItem } from "../roster/roster.js";

const item = (subscription: RosterItem["subscription"]): RosterItem => ({ jid: "bob@example.test", subscription, groups: [] });

describe("presence after a contact approves us", () => {
  it("names the contact when the push gains 'to' (none->to, from->both, new item with to)", () => {
    expect(newlyApprovedBy({ kind: "set", item: item("to"), previous: item("none") })).toBe("bob@example.test");
    expect(newlyApprovedBy({ kind: "set", item: item("both"), previous: item("from") })).toBe("bob@example.test");
    expect(newlyApprovedBy({ kind: "set", item: item("both") })).toBe("bob@example.test");
  });

  it("stays quiet when nothing was gained on our side", () => {
    expect(newlyApprovedBy({ kind: "set", item: item("both"), previous: item("to") })).toBeUndefined();
    expect(newlyApprovedBy({ kind: "set", item: item("from"), previous: item("none") })).toBeUndefined();
    expect(newlyApprovedBy({ kind: "set", item: item("to"), previous: item("to") })).toBeUndefined();
    expect(newlyApprovedBy({ kind: "set", item: item("none"), previous: item("both") })).toBeUndefined();
    expect(newlyApprovedBy({ kind: "remove", jid: "bob@example.test", previous: item("both") })).toBeUndefined();
  });
});
