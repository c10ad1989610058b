// RFC 3264 §6.1 (answer direction mirrors the offer) and §8.4 (hold).
import type { Direction } from "./types.js";

export type MediaFlow = { send: boolean; recv: boolean };

export function flowOf(direction: Direction | undefined): MediaFlow {
  switch (direction ?? "sendrecv") {
    case "sendrecv":
      return { send: true, recv: true };
    case "sendonly":
      return { send: true, recv: false };
    case "recvonly":
      return { send: false, recv: true };
    case "inactive":
      return { send: false, recv: false };
  }
}

export function directionOf(flow: MediaFlow): Direction {
  if (flow.send && flow.recv) return "sendrecv";
  if (flow.send) return "sendonly";
  if (flow.recv) return "recvonly";
  return "inactive";
}

/**
 * §6.1: we may send only if the peer receives, and receive only if it sends;
 * within that, what we want. Offer sendonly -> answer recvonly, recvonly ->
 * sendonly, inactive -> inactive.
 */
export function answerDirection(offered: Direction | undefined, wanted: Direction | undefined): Direction {
  const theirs = flowOf(offered);
  const ours = flowOf(wanted);
  return directionOf({ send: ours.send && theirs.recv, recv: ours.recv && theirs.send });
}
