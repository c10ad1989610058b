import { describe, expect, it } from "vitest";
import { ScramExchange, scramMechanism } from "./sasl-scram.js";

describe("SCRAM", () => {
  it("RFC 5802 §5 SCRAM-SHA-1 example", () => {
    const x = new ScramExchange("sha1", { username: "user", password: "pencil" }, "fyko+d2lbbFgONRv9qkxdawL");
    expect(x.clientFirst()).toBe("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    expect(x.clientFinal("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")).toBe(
      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    );
    expect(x.verifyServerFinal("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")).toBe(true);
    expect(x.verifyServerFinal("v=AAAA")).toBe(false);
  });
  it("RFC 7677 §3 SCRAM-SHA-256 example", () => {
    const x = new ScramExchange("sha256", { username: "user", password: "pencil" }, "rOprNGfwEbeRWgbNEkqO");
    x.clientFirst();
    expect(x.clientFinal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")).toBe(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    );
    expect(x.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).toBe(true);
  });
  it("refuses a server nonce that does not extend ours", () => {
    const x = new ScramExchange("sha256", { username: "u", password: "p" }, "abc");
    expect(() => x.clientFinal("r=xyz,s=QSXCR+Q6sek8bf92,i=4096")).toThrow();
  });
  it("works as a saslmechanisms class", () => {
    const Mech = scramMechanism("SCRAM-SHA-256", "sha256");
    expect(Mech.prototype.name).toBe("SCRAM-SHA-256");
    const m = new Mech() as { response(c: object): string; challenge(s: string): unknown };
    expect(m.response({ username: "a=b,c", password: "p" })).toMatch(/^n,,n=a=3Db=2Cc,r=/);
  });
});
