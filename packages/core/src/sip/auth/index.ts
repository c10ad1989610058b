// RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760: Digest authentication for a UAC.
export {
  chooseQop,
  parseDigestAlgorithm,
  parseDigestChallenge,
  strongestPerRealm,
  type DigestAlgorithm,
  type DigestChallenge,
  type DigestQop,
} from "./challenge.js";
export {
  answerDigestChallenge,
  computeDigestResponse,
  formatNonceCount,
  parseDigestCredentials,
  serializeDigestCredentials,
  type DigestAnswerInput,
  type DigestCredentialsValue,
  type DigestResponseInput,
} from "./digest.js";
export {
  CHALLENGE_HEADERS,
  DigestSession,
  type AuthHeader,
  type AuthHeaderName,
  type DigestCredentials,
  type DigestOutcome,
  type DigestSessionOptions,
} from "./session.js";
