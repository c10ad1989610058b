// Robustness (architecture.md "Errors"): on any input only SipParseError escapes,
// hostile input stays linear, and RFC 3261 §21.5.7 513 for oversized messages.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  parseSipMessage, serializeSipMessage, SipParseError, validateRequest, validateResponse, type SipMessage,
} from "./index.js";

const dir = fileURLToPath(new URL("./fixtures/", import.meta.url));
const seeds = readdirSync(dir).filter((f) => f.endsWith(".sip")).map((f) => readFileSync(`${dir}${f}`));

/** mulberry32: a small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = Buffer.from('"<>;,:@[]%\\\r\n \t=?/()*0123456789\x00\xff');

function mutate(src: Buffer, r: () => number): Buffer {
  const bytes = [...src];
  const edits = 1 + Math.floor(r() * 8);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(r() * (bytes.length + 1));
    const op = Math.floor(r() * 6);
    if (op === 0) bytes[at] = Math.floor(r() * 256);
    else if (op === 1) bytes.splice(at, 0, SPECIAL[Math.floor(r() * SPECIAL.length)]!);
    else if (op === 2) bytes.splice(at, 1 + Math.floor(r() * 20));
    else if (op === 3) bytes.splice(at, 0, ...bytes.slice(at, at + Math.floor(r() * 40)));
    else if (op === 4) bytes.length = Math.min(bytes.length, at);
    else bytes[at] = SPECIAL[Math.floor(r() * SPECIAL.length)]!;
  }
  return Buffer.from(bytes);
}

/** Parse, then exercise everything a caller may touch; only SipParseError may be thrown. */
function exercise(data: Uint8Array | string): void {
  let m: SipMessage;
  try {
    m = parseSipMessage(data);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    if (e.message.startsWith("internal")) throw e;
    expect([400, 505, 513]).toContain(e.status);
    return;
  }
  if (m.kind === "request") validateRequest(m);
  else validateResponse(m);
  // What we parsed, we can write, and what we write parses back (long names may push it past 64 KiB).
  const wire = serializeSipMessage(m);
  if (wire.length <= 65536) expect(parseSipMessage(wire).kind).toBe(m.kind);
}

describe("fuzz", () => {
  it("10,000 mutated fixtures: only SipParseError escapes", () => {
    const r = rng(0x5eed);
    for (let n = 0; n < 10_000; n++) {
      const seed = seeds[Math.floor(r() * seeds.length)]!;
      const input = mutate(seed, r);
      try {
        exercise(n % 5 === 0 ? input.toString("latin1") : input);
      } catch (e) {
        throw new Error(`input #${n}: ${JSON.stringify(input.toString("latin1"))}`, { cause: e });
      }
    }
  }, 60_000);

  it("2,000 random byte strings", () => {
    const r = rng(42);
    for (let n = 0; n < 2_000; n++) {
      const len = Math.floor(r() * 300);
      const bytes = Buffer.alloc(len);
      for (let i = 0; i < len; i++) bytes[i] = r() < 0.5 ? Math.floor(r() * 256) : SPECIAL[Math.floor(r() * SPECIAL.length)]!;
      const input = r() < 0.5 ? Buffer.concat([Buffer.from("INVITE sip:a@b SIP/2.0\r\n"), bytes]) : bytes;
      exercise(input);
    }
  });
});

describe("hostile input stays fast", () => {
  const head = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n";
  const cases: Record<string, string> = {
    "64 KiB of spaces as a line": `${head}${" ".repeat(65_000)}\r\n\r\n`,
    "64 KiB of spaces in a value": `${head}Subject: ${" ".repeat(65_000)}x\r\n\r\n`,
    "64 KiB start line of spaces": `${" ".repeat(65_000)}\r\n\r\n`,
    "unterminated quote": `${head}To: "${"a".repeat(65_000)}\r\n\r\n`,
    "many <": `${head}Contact: ${"<".repeat(65_000)}\r\n\r\n`,
    "many ;": `${head}Contact: <sip:a@b>${";".repeat(65_000)}\r\n\r\n`,
    "many params": `${head}Contact: <sip:a@b>${";p".repeat(32_000)}\r\n\r\n`,
    "many commas": `${head}Route: ${",".repeat(65_000)}\r\n\r\n`,
    "many list items": `${head}Route: ${"<sip:a@b;lr>,".repeat(5_000)}<sip:c@d>\r\n\r\n`,
    "many headers": `${head}${"X-A: y\r\n".repeat(10_000)}\r\n`,
    "many folds": `${head}Subject: a${"\r\n b".repeat(15_000)}\r\n\r\n`,
    "many escapes": `INVITE sip:${"%41".repeat(20_000)}@example.com SIP/2.0\r\n\r\n`,
    "long URI user": `INVITE sip:${"a".repeat(65_000)}@example.com SIP/2.0\r\n\r\n`,
    "many @": `INVITE sip:${"@".repeat(65_000)} SIP/2.0\r\n\r\n`,
    "auth params": `${head}Authorization: Digest ${'a="b", '.repeat(8_000)}c=d\r\n\r\n`,
    "no line end": "x".repeat(65_000),
    "only CRLFs": "\r\n".repeat(30_000),
  };
  for (const [name, text] of Object.entries(cases)) {
    // No wall-clock assertion: the test time-out is the guard against a
    // hang (catastrophic backtracking runs for minutes, not milliseconds);
    // parse speed is measured in bench/sip-parse.bench.ts.
    it(name, () => {
      exercise(text);
      exercise(Buffer.from(text, "latin1"));
    });
  }
});

describe("sizes", () => {
  it("answers 513 for a message over 64 KiB", () => {
    const big = `MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length: 70000\r\n\r\n${"x".repeat(70_000)}`;
    for (const input of [big, Buffer.from(big)]) {
      try {
        parseSipMessage(input);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(SipParseError);
        expect((e as SipParseError).status).toBe(513);
      }
    }
    // Counted in bytes, not characters.
    expect(() => parseSipMessage(`MESSAGE sip:a@b SIP/2.0\r\n\r\n${"é".repeat(40_000)}`)).toThrow(/exceeds/);
  });

  it("a missing Content-Length means the body runs to the end of the datagram", () => {
    const m = parseSipMessage("MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\nhello\r\n");
    expect(Buffer.from(m.body).toString()).toBe("hello\r\n");
  });

  it("skips leading CRLFs (§7.5) and takes bare-LF messages", () => {
    expect(parseSipMessage("\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n").kind).toBe("request");
    const lf = parseSipMessage("SIP/2.0 200 OK\nCSeq: 1 OPTIONS\nContent-Length: 2\n\nhiX");
    expect(Buffer.from(lf.body).toString()).toBe("hi");
  });
});
