// protocol.md §4, §9: thread ids are 128 random bits in hex.
import { describe, expect, it } from "vitest";
import { isOurThreadId, newThreadId } from "./thread-id.js";

describe("thread ids", () => {
  it("are 32 lower-case hex digits, all different", () => {
    const ids = Array.from({ length: 2000 }, newThreadId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("uses every nibble value (not a counter or a hash of a Call-ID)", () => {
    const seen = new Set(Array.from({ length: 64 }, newThreadId).join(""));
    expect(seen.size).toBe(16);
  });

  it.each([
    ["5c1b0f3a9d7e4a2c8f61b3e0d4a7c925", true],
    ["5C1B0F3A9D7E4A2C8F61B3E0D4A7C925", false],
    ["abc", false],
    ["a84b4c76e66710@pc33.atlanta.com", false],
  ])("isOurThreadId(%s) = %s", (v, want) => {
    expect(isOurThreadId(v)).toBe(want);
  });
});
