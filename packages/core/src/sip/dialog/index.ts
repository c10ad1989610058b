// RFC 3261 §12 (dialogs), §13.2.2.4 (forks), §8.1.1 / §8.2.6 (building requests and responses).
export {
  angle, bodyOf, bodyText, buildRequest, buildResponse, encodeBody, newToken, nextHop, reasonPhrase, serializeViaSpec,
  type Body, type RequestSpec, type ResponseSpec, type ViaSpec,
} from "./build.js";
export {
  Dialog, dialogKey, requestDialogKey, type DialogId, type DialogInit, type DialogState, type InDialogRequestSpec,
} from "./dialog.js";
export { InviteForks, type ForkDecision } from "./forks.js";
