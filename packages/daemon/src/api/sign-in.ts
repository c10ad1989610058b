// docs/api.md "Browser sign-in": one-time login codes (256 random bits,
// base64url, valid 120 s, single use) traded at GET /login for a session
// cookie. Both live in memory only: they end with the daemon. Only hashes of
// codes and sessions are kept, so a lookup reveals nothing through timing.
import { createHash, randomBytes } from "node:crypto";

export const LOGIN_CODE_TTL_MS = 120_000;

export type Redeemed = "ok" | "unknown" | "expired" | "used";

const hashOf = (secret: string): string => createHash("sha256").update(secret).digest("base64url");
const newSecret = (): string => randomBytes(32).toString("base64url");

export class LoginCodes {
  /** hash -> when it expires, and whether it was used. */
  private readonly codes = new Map<string, { expires: number; used: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(): string {
    this.sweep();
    const code = newSecret();
    this.codes.set(hashOf(code), { expires: this.now() + LOGIN_CODE_TTL_MS, used: false });
    return code;
  }

  /** Uses the code up; says why when it cannot be used. */
  redeem(code: string): Redeemed {
    const entry = this.codes.get(hashOf(code));
    if (!entry) return "unknown";
    if (entry.used) return "used";
    if (this.now() >= entry.expires) return "expired";
    entry.used = true;
    return "ok";
  }

  /** Codes are remembered (as used or expired) one more TTL after they expire, then forgotten. */
  private sweep(): void {
    const cutoff = this.now() - LOGIN_CODE_TTL_MS;
    for (const [h, e] of this.codes) if (e.expires < cutoff) this.codes.delete(h);
  }
}

export class Sessions {
  private readonly ids = new Set<string>();

  create(): string {
    const id = newSecret();
    this.ids.add(hashOf(id));
    return id;
  }

  has(id: string | undefined): boolean {
    return id !== undefined && id !== "" && this.ids.has(hashOf(id));
  }

  get size(): number {
    return this.ids.size;
  }
}

/** What the sign-in pieces need from the HTTP side. */
export type SignIn = { codes: LoginCodes; sessions: Sessions };

export function createSignIn(now: () => number = Date.now): SignIn {
  return { codes: new LoginCodes(now), sessions: new Sessions() };
}
