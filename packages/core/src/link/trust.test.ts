// protocol.md §7 link trust, §9 claims are not proof.
import { describe, expect, it } from "vitest";
import type { Link, LinkOrigin, LinkTrust } from "../store/types.js";
import { mayAutomate, moveTrust, nextTrust } from "./trust.js";

type Facts = Pick<Link, "trust" | "evidence">;
const link = (trust: LinkTrust, ...origins: LinkOrigin[]): Facts => ({ trust, evidence: Object.fromEntries(origins.map((o) => [o, 1])) });

describe("nextTrust", () => {
  const table: [string, Facts | undefined, LinkOrigin, LinkTrust][] = [
    ["first reach is a claim", undefined, "reach", "claimed"],
    ["first Call-Info is a claim", undefined, "call-info", "claimed"],
    ["reach then Call-Info: both directions agree", link("claimed", "reach"), "call-info", "verified"],
    ["Call-Info then PEP reach", link("claimed", "call-info"), "pep", "verified"],
    ["Call-Info then vCard4", link("claimed", "call-info"), "vcard4", "verified"],
    ["vcard-temp then Call-Info", link("claimed", "vcard-temp"), "call-info", "verified"],
    ["reach twice stays claimed", link("claimed", "reach"), "reach", "claimed"],
    ["reach and vCard: one side only", link("claimed", "reach"), "vcard4", "claimed"],
    ["same-name never verifies", link("claimed", "call-info"), "same-name", "claimed"],
    ["same-name then reach: still one side", link("claimed", "same-name"), "reach", "claimed"],
    ["the user confirms", link("claimed", "reach"), "user", "user-confirmed"],
    ["the user confirms from nothing", undefined, "user", "user-confirmed"],
    ["evidence never lowers verified", link("verified", "reach", "call-info"), "same-name", "verified"],
    ["evidence never lowers confirmed", link("user-confirmed", "user"), "reach", "user-confirmed"],
    ["confirmed stays confirmed when both sides agree", link("user-confirmed", "user", "reach"), "call-info", "user-confirmed"],
  ];
  it.each(table)("%s", (_name, prev, origin, want) => {
    expect(nextTrust(prev, origin)).toBe(want);
  });

  it("only the user revokes", () => {
    expect(moveTrust("user-confirmed", "user-revoke", true)).toBe("claimed");
    expect(moveTrust("verified", "jid-claim", false)).toBe("verified");
  });
});

describe("mayAutomate", () => {
  const table: [string, Facts | undefined, boolean, boolean][] = [
    ["no link", undefined, true, false],
    ["verified, no roster", link("verified", "reach", "call-info"), false, true],
    ["confirmed, no roster", link("user-confirmed", "user"), false, true],
    ["claimed by the JID, roster-backed", link("claimed", "reach"), true, true],
    ["claimed by the JID, not in roster", link("claimed", "reach"), false, false],
    ["claimed by a SIP caller about a roster JID (spoofable)", link("claimed", "call-info"), true, false],
    ["same-name rule only", link("claimed", "same-name"), true, false],
  ];
  it.each(table)("%s", (_name, l, roster, want) => {
    expect(mayAutomate(l, roster)).toBe(want);
  });
});
