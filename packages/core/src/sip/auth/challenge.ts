// RFC 3261 §22.1, §25.1 (challenge), RFC 7616 §3.3, RFC 8760 §2.4: Digest challenges and which one to answer.
import { ParseError } from "../../util/errors.js";
import { parseAuth } from "../message/index.js";

/** RFC 7616 §3.3 and RFC 8760 §2.2 algorithm names, spelled canonically. */
export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess" | "SHA-512-256" | "SHA-512-256-sess";
export type DigestQop = "auth" | "auth-int";

export type DigestChallenge = {
  realm: string;
  nonce: string;
  opaque?: string;
  /** "MD5" when the challenge names none (RFC 7616 §3.3). */
  algorithm: DigestAlgorithm;
  /** Explicitly named by the server: the credentials echo it. */
  algorithmGiven: boolean;
  /** The offered qop options, as written (unknown ones kept); empty when the server sent no qop (RFC 2069 mode). */
  qop: string[];
  stale: boolean;
  /** Space-separated URIs of the protection space (RFC 7616 §3.3). */
  domain: string[];
};

const ALGORITHMS: readonly DigestAlgorithm[] = ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"];

/** RFC 8760 §2.4: SHA-512-256, then SHA-256, then MD5; the -sess variant ranks beside its hash. */
const STRENGTH: Record<DigestAlgorithm, number> = {
  MD5: 1,
  "MD5-sess": 1,
  "SHA-256": 2,
  "SHA-256-sess": 2,
  "SHA-512-256": 3,
  "SHA-512-256-sess": 3,
};

export function parseDigestAlgorithm(name: string): DigestAlgorithm | undefined {
  return ALGORITHMS.find((a) => a.toLowerCase() === name.toLowerCase());
}

/**
 * Parses a `WWW-Authenticate` / `Proxy-Authenticate` value. Throws ParseError when it is
 * not Digest, lacks realm or nonce, or names an algorithm we don't know (RFC 7616 §3.3:
 * such a challenge is ignored).
 */
export function parseDigestChallenge(value: string): DigestChallenge {
  const { scheme, params } = parseAuth(value);
  if (scheme.toLowerCase() !== "digest") throw new ParseError(`not a Digest challenge: ${scheme}`);
  const realm = params.get("realm");
  const nonce = params.get("nonce");
  if (realm === undefined) throw new ParseError("Digest challenge without realm");
  if (nonce === undefined) throw new ParseError("Digest challenge without nonce");
  const algorithmName = params.get("algorithm");
  const algorithm = algorithmName === undefined ? "MD5" : parseDigestAlgorithm(algorithmName);
  if (!algorithm) throw new ParseError(`unsupported digest algorithm ${algorithmName}`);
  const list = (v: string | undefined, sep: RegExp) => (v ?? "").split(sep).map((s) => s.trim()).filter(Boolean);
  const challenge: DigestChallenge = {
    realm,
    nonce,
    algorithm,
    algorithmGiven: algorithmName !== undefined,
    qop: list(params.get("qop"), /,/),
    stale: params.get("stale")?.toLowerCase() === "true",
    domain: list(params.get("domain"), /\s+/),
  };
  const opaque = params.get("opaque");
  if (opaque !== undefined) challenge.opaque = opaque;
  return challenge;
}

/**
 * The qop we answer with: "auth" when offered, else "auth-int"; `undefined` when the
 * server offered none (RFC 2069 compatibility); `null` when it offered only options we lack.
 */
export function chooseQop(challenge: DigestChallenge): DigestQop | undefined | null {
  if (challenge.qop.length === 0) return undefined;
  const offered = challenge.qop.map((q) => q.toLowerCase());
  if (offered.includes("auth")) return "auth";
  if (offered.includes("auth-int")) return "auth-int";
  return null;
}

/**
 * RFC 8760 §2.4: among several challenges for one realm, answer the strongest algorithm;
 * challenges for different realms are all answered (RFC 3261 §22.3). Keeps first-seen realm order.
 */
export function strongestPerRealm(challenges: readonly DigestChallenge[]): DigestChallenge[] {
  const best = new Map<string, DigestChallenge>();
  for (const c of challenges) {
    if (chooseQop(c) === null) continue;
    const held = best.get(c.realm);
    if (!held || STRENGTH[c.algorithm] > STRENGTH[held.algorithm]) best.set(c.realm, c);
  }
  return [...best.values()];
}
