// GET /events as an EventSource with the session cookie. One stream at a
// time; the caller decides about reconnecting (the browser's own retry would
// keep knocking with a cookie that a restarted daemon no longer knows).
import type { ApiEvent } from "./types.js";

export const EVENT_TYPES: readonly ApiEvent["type"][] = [
  "message", "messageState", "chatState", "incomingCall", "call", "callRecord", "sipState",
  "subscriptionRequest", "registration", "presence", "contact", "dtmf",
];

/** `retrying`: the browser reconnects by itself (sending Last-Event-ID, so the daemon replays what we missed). */
export type StreamHandlers = { open(): void; event(e: ApiEvent): void; error(): void; retrying(): void };

/** Browser retries in a row before the caller takes over with its own back-off. */
export const BROWSER_RETRIES = 3;

export class EventStream {
  private source: EventSource | undefined;

  open(h: StreamHandlers, url = "/events"): void {
    this.close();
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    let retries = 0;
    source.onopen = () => {
      retries = 0;
      h.open();
    };
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === EventSource.CONNECTING && ++retries <= BROWSER_RETRIES) {
        h.retrying();
        return;
      }
      this.close();
      h.error();
    };
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (m: MessageEvent<string>) => {
        const e = parseEvent(type, m.data);
        if (e) h.event(e);
      });
    }
  }

  close(): void {
    this.source?.close();
    this.source = undefined;
  }
}

/** An event's data, or undefined when it is not the JSON object its name says. */
export function parseEvent(type: string, data: string): ApiEvent | undefined {
  try {
    const o: unknown = JSON.parse(data);
    if (typeof o !== "object" || o === null) return undefined;
    return { ...(o as object), type } as ApiEvent;
  } catch {
    return undefined;
  }
}
