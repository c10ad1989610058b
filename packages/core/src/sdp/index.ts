// sdp/: RFC 8866 via sdp-transform; RFC 3264 offer/answer; RFC 4568 SDES.
export * from "./crypto-attribute.js";
export * from "./types.js";
export * from "./direction.js";
export * from "./local-state.js";
export { negotiate } from "./negotiate.js";
export * from "./offer-answer.js";
