// GET /events as an EventSource with the session cookie. One stream at a
// time; the caller decides about reconnecting (the browser's own retry would
// keep knocking with a cookie that a restarted daemon no longer knows).
import type { ApiEvent } from "./types.js";

export const EVENT_TYPES: readonly ApiEvent["type"][] = [
  "message", "messageState", "chatState", "incomingCall", "call", "callRecord", "sipState",
  "subscriptionRequest", "registration", "presence", "contact", "dtmf",
];

export type StreamHandlers = { open(): void; event(e: ApiEvent): void; error(): void };

export class EventStream {
  private source: EventSource | undefined;

  open(h: StreamHandlers, url = "/events"): void {
    this.close();
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    source.onopen = () => h.open();
    source.onerror = () => {
      if (this.source !== source) return;
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
