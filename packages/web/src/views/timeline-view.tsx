// One contact's timeline: messages and calls interleaved, receipts ticks,
// missed calls marked, messages written during a call shown inside it (UC-e),
// failed sends with retry, and "load older" paging back.
import { Fragment, type JSX } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import type { MessageState } from "../api/types.js";
import { callSpans, spanOf, type CallSpan, type LiveCall } from "../state/call-spans.js";
import { formatDuration } from "../state/calls.js";
import { entries, isMissed, itemKey, type Entry, type Timeline } from "../state/timeline.js";
import { Icon } from "./icons.js";

export type TimelineProps = {
  t: Timeline;
  live: LiveCall[];
  now: number;
  highlight?: number;
  onOlder(): void;
  onRetry(localId: string): void;
  onDiscard(localId: string): void;
};

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const day = (at: number) => new Date(at).toLocaleDateString([], { weekday: "long", day: "numeric", month: "long" });

export function TimelineView(p: TimelineProps): JSX.Element {
  const list = entries(p.t);
  const spans = callSpans(list, p.live, p.now);
  const ref = useRef<HTMLOListElement>(null);
  const last = list.length ? itemKey(list[list.length - 1]!) : "";
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [last, list.length]);
  useEffect(() => {
    if (p.highlight === undefined) return;
    ref.current?.querySelector(`[data-kind="message"][data-id="${p.highlight}"]`)?.scrollIntoView({ block: "center" });
  }, [p.highlight]);
  const onScroll = () => {
    const el = ref.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };
  return (
    <ol class="timeline" ref={ref} onScroll={onScroll} aria-label="Conversation" aria-live="polite" tabIndex={0}>
      <li class="timeline-top">
        {typeof p.t.next === "string" && (
          <button type="button" class="button small" disabled={p.t.loading} onClick={p.onOlder}>{p.t.loading ? "Loading…" : "Load older messages"}</button>
        )}
        {p.t.next === null && list.length > 0 && <span class="muted">Start of your history</span>}
        {p.t.next === undefined && p.t.loading && <span class="muted">Loading…</span>}
        {p.t.next !== undefined && list.length === 0 && <span class="muted">No messages yet. Say hello.</span>}
      </li>
      {list.map((e, i) => (
        <Fragment key={itemKey(e)}>
          {(i === 0 || day(list[i - 1]!.at) !== day(e.at)) && <li class="day"><span>{day(e.at)}</span></li>}
          <Row e={e} span={spanOf(e, spans)} first={startsSpan(list, i, spans)} p={p} />
        </Fragment>
      ))}
    </ol>
  );
}

function startsSpan(list: readonly Entry[], i: number, spans: CallSpan[]): boolean {
  const s = spanOf(list[i]!, spans);
  return s !== undefined && (i === 0 || spanOf(list[i - 1]!, spans) !== s);
}

function Row({ e, span, first, p }: { e: Entry; span?: CallSpan; first: boolean; p: TimelineProps }): JSX.Element {
  if (e.kind === "call") return <CallRow e={e} />;
  const out = e.kind === "local" || e.direction === "out";
  const state: MessageState = e.state;
  const cls = `msg ${out ? "out" : "in"} ${span ? "in-call" : ""} ${p.highlight !== undefined && e.kind === "message" && e.id === p.highlight ? "hl" : ""}`;
  return (
    <li class={cls} data-kind={e.kind} data-id={e.kind === "message" ? e.id : e.localId} data-conversation={e.conversationId ?? ""} data-state={state}>
      {first && span && <span class="span-label"><Icon name="phone" /> {span.live ? "During this call" : "During the call"}</span>}
      <div class="bubble">
        <p class="body">{e.body}</p>
        <span class="meta">{time(e.at)} {out && <Ticks state={state} />}</span>
      </div>
      {e.kind === "local" && e.state === "failed" && (
        <div class="failed" role="alert">
          <span>Not sent{e.error ? `: ${e.error}` : ""}</span>
          <button type="button" class="button small" onClick={() => p.onRetry(e.localId)}>Retry</button>
          <button type="button" class="button small ghost" onClick={() => p.onDiscard(e.localId)}>Discard</button>
        </div>
      )}
    </li>
  );
}

const TICK_LABEL: Record<MessageState, string> = { pending: "Sending", sent: "Sent", delivered: "Delivered", displayed: "Read", failed: "Failed" };

function Ticks({ state }: { state: MessageState }): JSX.Element {
  const glyph = state === "pending" ? "◷" : state === "sent" ? "✓" : state === "failed" ? "!" : "✓✓";
  return <span class={`ticks ticks-${state}`} title={TICK_LABEL[state]} aria-label={TICK_LABEL[state]}>{glyph}</span>;
}

const OUTCOME: Record<string, string> = { ongoing: "in progress", answered: "", missed: "missed", rejected: "declined", busy: "busy", cancelled: "cancelled", failed: "failed" };

function CallRow({ e }: { e: Extract<Entry, { kind: "call" }> }): JSX.Element {
  const missed = isMissed(e);
  const what = missed ? "Missed call" : e.direction === "out" ? "Outgoing call" : "Incoming call";
  const detail = e.outcome === "answered" && e.durationMs !== undefined ? formatDuration(e.durationMs) : OUTCOME[e.outcome] ?? e.outcome;
  return (
    <li class={`callrow ${missed ? "missed" : ""}`} data-kind="call" data-id={e.id} data-conversation={e.conversationId ?? ""} data-outcome={e.outcome}>
      <span class="callrow-pill"><Icon name="phone" /> {what}{detail ? ` · ${detail}` : ""} · {time(e.at)}</span>
    </li>
  );
}
