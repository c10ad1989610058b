// RFC 3261 §22.2-§22.3, RFC 7616 §3.3 (stale), RFC 8760 §2.4: answering 401/407 for one UAC, per realm.
import { randomBytes } from "node:crypto";
import { ParseError } from "../../util/errors.js";
import { serializeUri } from "../message/index.js";
import type { SipRequest, SipResponse } from "../message/types.js";
import { parseDigestChallenge, strongestPerRealm, type DigestChallenge } from "./challenge.js";
import { answerDigestChallenge, serializeDigestCredentials } from "./digest.js";

export type DigestCredentials = { username: string; password: string };
export type AuthHeaderName = "Authorization" | "Proxy-Authorization";
export type AuthHeader = { name: AuthHeaderName; value: string };

export type DigestOutcome =
  /** retry: challenges were read and `authorize()` now answers them; resend with CSeq + 1. */
  | { ok: true; retry: boolean }
  /** A second plain challenge for a realm we already answered: wrong credentials. */
  | { ok: false; reason: "auth-failed"; realm: string }
  | { ok: false; reason: "no-credentials"; realm: string }
  /** No Digest challenge we can answer (unknown algorithm or qop, not Digest, malformed). */
  | { ok: false; reason: "unsupported-challenge" };

export type DigestSessionOptions = {
  /** Asked once per realm; the answer is kept until that realm fails. */
  credentials: (realm: string) => DigestCredentials | undefined;
  /** Random bytes for the cnonce (node:crypto by default). */
  random?: (size: number) => Uint8Array;
};

type RealmState = {
  header: AuthHeaderName;
  challenge: DigestChallenge;
  credentials: DigestCredentials;
  /** Times this nonce has been used (RFC 7616 §3.4: nc). */
  nc: number;
  /** Answered a challenge, no final non-challenge response since. */
  pending: boolean;
};

/** Which header carries the challenges of a status, and which one answers them (RFC 3261 §22.2, §22.3). */
export const CHALLENGE_HEADERS = {
  401: { challenge: "WWW-Authenticate", answer: "Authorization" },
  407: { challenge: "Proxy-Authenticate", answer: "Proxy-Authorization" },
} as const;

export class DigestSession {
  private readonly realms = new Map<string, RealmState>();
  private readonly known = new Map<string, DigestCredentials>();
  private readonly random: (size: number) => Uint8Array;

  constructor(private readonly options: DigestSessionOptions) {
    this.random = options.random ?? ((n) => randomBytes(n));
  }

  /** Feed every response to the request `authorize()` served: 401/407 are read, other finals settle the realms. */
  onResponse(response: SipResponse): DigestOutcome {
    const { status } = response;
    if (status === 401 || status === 407) {
      return this.onChallenge(status, response.headers.getAll(CHALLENGE_HEADERS[status].challenge));
    }
    if (status >= 200) for (const r of this.realms.values()) r.pending = false;
    return { ok: true, retry: false };
  }

  /**
   * Reads the challenges of one 401/407 (several at once allowed). A realm lacking credentials
   * changes nothing; auth-failed forgets that realm, so the next attempt asks for credentials again.
   */
  onChallenge(status: 401 | 407, values: readonly string[]): DigestOutcome {
    const chosen = strongestPerRealm(values.flatMap(readChallenge));
    if (chosen.length === 0) return { ok: false, reason: "unsupported-challenge" };
    const next: [string, RealmState][] = [];
    for (const challenge of chosen) {
      const { realm } = challenge;
      const held = this.realms.get(realm);
      // RFC 7616 §3.3: stale=true means the password was right; use the new nonce without asking again.
      const staleRetry = challenge.stale && held !== undefined && held.challenge.nonce !== challenge.nonce;
      if (held?.pending && !staleRetry) {
        this.realms.delete(realm);
        this.known.delete(realm);
        return { ok: false, reason: "auth-failed", realm };
      }
      const credentials = this.known.get(realm) ?? this.options.credentials(realm);
      if (!credentials) return { ok: false, reason: "no-credentials", realm };
      const header = CHALLENGE_HEADERS[status].answer;
      next.push([realm, { header, challenge, credentials, nc: 0, pending: true }]);
    }
    for (const [realm, state] of next) {
      this.realms.set(realm, state);
      this.known.set(realm, state.credentials);
    }
    return { ok: true, retry: true };
  }

  /**
   * Puts the answers for every realm held on a new request (CSeq already incremented, RFC 3261
   * §22.1), replacing any it carried. Each call counts one use of each nonce.
   */
  authorize(request: SipRequest): void {
    const { headers } = request;
    headers.delete("Authorization");
    headers.delete("Proxy-Authorization");
    const answers = this.credentialsFor({ method: request.method, uri: serializeUri(request.uri), body: request.body });
    for (const { name, value } of answers) headers.append(name, value);
  }

  /**
   * Header values answering every realm held (RFC 3261 §22.3: cached credentials are reused
   * on later requests). `uri` is the Request-URI as sent. Each call counts one use of each nonce.
   */
  credentialsFor(request: { method: string; uri: string; body?: string | Uint8Array }): AuthHeader[] {
    return [...this.realms.values()].map((state) => {
      state.nc += 1;
      const value = answerDigestChallenge(state.challenge, {
        ...state.credentials,
        method: request.method,
        uri: request.uri,
        body: request.body,
        cnonce: Buffer.from(this.random(16)).toString("hex"),
        nc: state.nc,
      });
      return { name: state.header, value: serializeDigestCredentials(value) };
    });
  }

  /** Forget a realm's nonce and credentials (e.g. after the user changed the password). */
  forget(realm: string): void {
    this.realms.delete(realm);
    this.known.delete(realm);
  }
}

/** One challenge value, or none when it is not one we can answer (RFC 7616 §3.3: ignore it). */
function readChallenge(value: string): DigestChallenge[] {
  try {
    return [parseDigestChallenge(value)];
  } catch (err) {
    if (err instanceof ParseError) return [];
    throw err;
  }
}
