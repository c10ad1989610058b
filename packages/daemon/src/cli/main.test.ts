import { describe, expect, it } from "vitest";
import { main, type Io } from "./main.js";

function memoryIo(files: Record<string, string>): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    readInput: async (p: string) => {
      const f = files[p];
      if (f === undefined) throw new Error("no such file");
      return new TextEncoder().encode(f);
    },
  };
  return io;
}

const invite =
  "INVITE sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\n" +
  "Max-Forwards: 70\r\nFrom: <sip:alice@example.test>;tag=a\r\nTo: <sip:bob@example.test>\r\n" +
  "Call-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

describe("cusax command line", () => {
  it("prints help and refuses unknown commands with exit 2", async () => {
    const io = memoryIo({});
    expect(await main(["--help"], io)).toBe(0);
    expect(io.stdout).toContain("parse-sip");
    expect(await main(["frobnicate"], io)).toBe(2);
    expect(io.stderr).toContain('unknown command "frobnicate"');
  });

  it("parse-sip shows a valid message and explains an invalid one", async () => {
    const io = memoryIo({ ok: invite, bad: "INVITE sip:bob@example.test SIP/7.0\r\n\r\n" });
    expect(await main(["parse-sip", "ok", "--json"], io)).toBe(0);
    const ok = JSON.parse(io.stdout) as { valid: boolean; start: string; headers: unknown[] };
    expect(ok).toMatchObject({ valid: true, start: "INVITE sip:bob@example.test" });
    expect(ok.headers).toHaveLength(7);
    io.stdout = "";
    expect(await main(["parse-sip", "bad", "--json"], io)).toBe(1);
    expect(JSON.parse(io.stdout)).toMatchObject({ valid: false });
    expect(await main(["parse-sip", "missing"], io)).toBe(1);
    expect(io.stderr).toContain("cannot read missing");
    // The first import of @cusax/core is transformed on the fly: ~10 s on a loaded machine.
  }, 60_000);
});
