// RFC 5802 §3, §5 SCRAM client (RFC 7677 for SHA-256), as a saslmechanisms
// mechanism for @xmpp/sasl (which ships SCRAM-SHA-1 only).
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

type Algo = "sha1" | "sha256";
export type ScramCredentials = { username: string; password: string };

/** RFC 5802 §5.1: "=" and "," in the user name are escaped. */
function saslName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

function attrs(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ (b[i] ?? 0)));

/** One SCRAM exchange; `nonce` is injectable for the RFC test vectors. */
export class ScramExchange {
  private readonly clientFirstBare: string;
  private serverSignature: Buffer | undefined;
  constructor(
    private readonly algo: Algo,
    private readonly creds: ScramCredentials,
    private readonly nonce = randomBytes(18).toString("base64"),
  ) {
    this.clientFirstBare = `n=${saslName(creds.username)},r=${nonce}`;
  }

  /** §3: gs2 header "n,," (no channel binding) + client-first-message-bare. */
  clientFirst(): string {
    return `n,,${this.clientFirstBare}`;
  }

  /** §3: answers server-first-message with client-final-message; throws on a bad challenge. */
  clientFinal(serverFirst: string): string {
    const a = attrs(serverFirst);
    const r = a.get("r");
    const s = a.get("s");
    const i = Number(a.get("i"));
    if (!r || !r.startsWith(this.nonce) || !s || !Number.isInteger(i) || i < 1) throw new Error("bad SCRAM server-first-message");
    const salted = pbkdf2Sync(this.creds.password.normalize("NFKC"), Buffer.from(s, "base64"), i, this.algo === "sha1" ? 20 : 32, this.algo);
    const clientKey = createHmac(this.algo, salted).update("Client Key").digest();
    const storedKey = createHash(this.algo).update(clientKey).digest();
    const withoutProof = `c=biws,r=${r}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac(this.algo, storedKey).update(authMessage).digest();
    const serverKey = createHmac(this.algo, salted).update("Server Key").digest();
    this.serverSignature = createHmac(this.algo, serverKey).update(authMessage).digest();
    return `${withoutProof},p=${xor(clientKey, signature).toString("base64")}`;
  }

  /** §3: server-final-message `v=` must match what we computed (mutual auth). */
  verifyServerFinal(serverFinal: string): boolean {
    const v = attrs(serverFinal).get("v");
    if (!v || !this.serverSignature) return false;
    const got = Buffer.from(v, "base64");
    return got.length === this.serverSignature.length && timingSafeEqual(got, this.serverSignature);
  }
}

// saslmechanisms speaks latin1 "binary strings" (btoa/atob in @xmpp/sasl).
const toBinary = (s: string) => Buffer.from(s, "utf8").toString("latin1");
const fromBinary = (s: string) => Buffer.from(s, "latin1").toString("utf8");

/**
 * A mechanism class for saslmechanisms' factory: `saslFactory.use(scramMechanism("SCRAM-SHA-256", "sha256"))`.
 * `onExchange` sees each exchange, so the caller can check the server's `v=` in `<success/>`
 * (@xmpp/sasl does not hand it to the mechanism).
 */
export function scramMechanism(name: string, algo: Algo, onExchange?: (x: ScramExchange) => void) {
  class ScramMechanism {
    private exchange: ScramExchange | undefined;
    private step = 0;
    private serverFirst = "";
    response(creds: ScramCredentials): string {
      if (this.step === 0) {
        this.step = 1;
        this.exchange = new ScramExchange(algo, { username: creds.username, password: creds.password });
        onExchange?.(this.exchange);
        return toBinary(this.exchange.clientFirst());
      }
      if (this.step === 1 && this.exchange) {
        this.step = 2;
        return toBinary(this.exchange.clientFinal(this.serverFirst));
      }
      return "";
    }
    challenge(chal: string): this {
      if (this.step === 1) this.serverFirst = fromBinary(chal);
      return this;
    }
  }
  Object.assign(ScramMechanism.prototype, { name, clientFirst: true });
  return ScramMechanism as unknown as { new (): object; prototype: { name: string } };
}
