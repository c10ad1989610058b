// RFC 7616 §3.4 (RFC 2617 §3.2.2), RFC 8760 §2, RFC 3261 §22.4: the Digest response and the credentials value.
import { createHash } from "node:crypto";
import { ParseError } from "../../util/errors.js";
import { parseAuth, serializeAuth } from "../message/index.js";
import { chooseQop, parseDigestAlgorithm, type DigestAlgorithm, type DigestChallenge, type DigestQop } from "./challenge.js";

const HASH: Record<DigestAlgorithm, string> = {
  MD5: "md5",
  "MD5-sess": "md5",
  "SHA-256": "sha256",
  "SHA-256-sess": "sha256",
  "SHA-512-256": "sha512-256",
  "SHA-512-256-sess": "sha512-256",
};

export type DigestResponseInput = {
  algorithm: DigestAlgorithm;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  /** The digest-uri: in SIP, the Request-URI as sent (RFC 3261 §22.4). */
  uri: string;
  /** Absent: RFC 2069 mode, no cnonce/nc. */
  qop?: DigestQop;
  cnonce?: string;
  /** Nonce count, as a number; serialized as 8 hex digits. */
  nc?: number;
  /** Message body for auth-int; an absent body hashes as empty. */
  body?: string | Uint8Array;
};

function h(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  return createHash(HASH[algorithm]).update(data).digest("hex");
}

/** RFC 7616 §3.4.3: 8 lower-case hex digits. */
export function formatNonceCount(nc: number): string {
  return nc.toString(16).padStart(8, "0");
}

/** The `response` value: KD(H(A1), nonce:nc:cnonce:qop:H(A2)), or KD(H(A1), nonce:H(A2)) without qop. */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm, qop } = input;
  if (qop && (input.cnonce === undefined || input.nc === undefined)) {
    throw new RangeError(`qop=${qop} needs cnonce and nc`);
  }
  // RFC 7616 §3.4.2: A1, re-hashed with the nonces for the -sess algorithms.
  let ha1 = h(algorithm, `${input.username}:${input.realm}:${input.password}`);
  if (algorithm.endsWith("-sess")) ha1 = h(algorithm, `${ha1}:${input.nonce}:${input.cnonce ?? ""}`);
  // RFC 7616 §3.4.3: A2 includes H(entity-body) for auth-int.
  let a2 = `${input.method}:${input.uri}`;
  if (qop === "auth-int") a2 += `:${h(algorithm, input.body ?? "")}`;
  const ha2 = h(algorithm, a2);
  const data = qop ? `${input.nonce}:${formatNonceCount(input.nc!)}:${input.cnonce}:${qop}:${ha2}` : `${input.nonce}:${ha2}`;
  return h(algorithm, `${ha1}:${data}`);
}

/** The fields of an `Authorization` / `Proxy-Authorization` Digest value (RFC 3261 §25.1 credentials). */
export type DigestCredentialsValue = {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: DigestAlgorithm;
  cnonce?: string;
  opaque?: string;
  qop?: DigestQop;
  nc?: number;
};

export type DigestAnswerInput = {
  username: string;
  password: string;
  method: string;
  uri: string;
  body?: string | Uint8Array;
  /** Used only when the challenge has qop. */
  cnonce: string;
  nc: number;
};

/** Answers one challenge. Throws RangeError when its qop options are all unknown (see `chooseQop`). */
export function answerDigestChallenge(challenge: DigestChallenge, input: DigestAnswerInput): DigestCredentialsValue {
  const qop = chooseQop(challenge);
  if (qop === null) throw new RangeError(`no supported qop in ${challenge.qop.join(",")}`);
  const response = computeDigestResponse({
    algorithm: challenge.algorithm,
    username: input.username,
    password: input.password,
    realm: challenge.realm,
    nonce: challenge.nonce,
    method: input.method,
    uri: input.uri,
    body: input.body,
    ...(qop ? { qop, cnonce: input.cnonce, nc: input.nc } : {}),
  });
  const value: DigestCredentialsValue = {
    username: input.username,
    realm: challenge.realm,
    nonce: challenge.nonce,
    uri: input.uri,
    response,
  };
  if (challenge.algorithmGiven) value.algorithm = challenge.algorithm;
  if (qop) Object.assign(value, { qop, nc: input.nc, cnonce: input.cnonce });
  if (challenge.opaque !== undefined) value.opaque = challenge.opaque;
  return value;
}

/** `Digest username="...", realm="...", ...` in RFC 3261 §22.4's order; qop, nc and algorithm unquoted. */
export function serializeDigestCredentials(v: DigestCredentialsValue): string {
  const params = new Map([
    ["username", v.username],
    ["realm", v.realm],
    ["nonce", v.nonce],
    ["uri", v.uri],
  ]);
  if (v.qop) {
    params.set("qop", v.qop);
    params.set("nc", formatNonceCount(v.nc ?? 1));
    params.set("cnonce", v.cnonce ?? "");
  }
  params.set("response", v.response);
  if (v.algorithm) params.set("algorithm", v.algorithm);
  if (v.opaque !== undefined) params.set("opaque", v.opaque);
  return serializeAuth({ scheme: "Digest", params }, true);
}

/** Reads an `Authorization` / `Proxy-Authorization` Digest value (for servers and tests). */
export function parseDigestCredentials(value: string): DigestCredentialsValue {
  const { scheme, params } = parseAuth(value);
  if (scheme.toLowerCase() !== "digest") throw new ParseError(`not Digest credentials: ${scheme}`);
  const need = (name: string): string => {
    const v = params.get(name);
    if (v === undefined) throw new ParseError(`Digest credentials without ${name}`);
    return v;
  };
  const out: DigestCredentialsValue = {
    username: need("username"),
    realm: need("realm"),
    nonce: need("nonce"),
    uri: need("uri"),
    response: need("response"),
  };
  const algorithm = params.get("algorithm");
  if (algorithm !== undefined) {
    const known = parseDigestAlgorithm(algorithm);
    if (!known) throw new ParseError(`unsupported digest algorithm ${algorithm}`);
    out.algorithm = known;
  }
  const qop = params.get("qop")?.toLowerCase();
  if (qop !== undefined) {
    if (qop !== "auth" && qop !== "auth-int") throw new ParseError(`unsupported qop ${qop}`);
    out.qop = qop;
    out.cnonce = need("cnonce");
    const nc = need("nc");
    if (!/^[0-9a-fA-F]{8}$/.test(nc)) throw new ParseError(`nc is not 8 hex digits: ${nc}`);
    out.nc = parseInt(nc, 16);
  }
  const opaque = params.get("opaque");
  if (opaque !== undefined) out.opaque = opaque;
  return out;
}
