// The composer: Enter sends, Shift+Enter is a new line; the draft is kept per
// conversation (localStorage) and our typing state goes to the peer (XEP-0085).
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

export type ComposerProps = {
  draftKey: string;
  initial: string;
  inCall: boolean;
  disabled?: string;
  onDraft(text: string): void;
  onSend(text: string): void;
  onChatState(state: "composing" | "paused" | "active"): void;
};

const PAUSE_MS = 5000;

export function Composer(p: ComposerProps): JSX.Element {
  const [text, setText] = useState(p.initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  const composing = useRef(false);
  const pause = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    setText(p.initial);
    composing.current = false;
  }, [p.draftKey]);
  useEffect(() => () => clearTimeout(pause.current), []);
  const typed = (v: string) => {
    setText(v);
    p.onDraft(v);
    if (!composing.current && v) p.onChatState("composing");
    composing.current = v !== "";
    clearTimeout(pause.current);
    if (v) pause.current = setTimeout(() => {
      composing.current = false;
      p.onChatState("paused");
    }, PAUSE_MS);
  };
  const send = () => {
    const body = text.trim();
    if (!body || p.disabled) return;
    clearTimeout(pause.current);
    composing.current = false;
    setText("");
    p.onDraft("");
    p.onSend(body);
    ref.current?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  };
  return (
    <form class={`composer ${p.inCall ? "in-call" : ""}`} onSubmit={(e) => { e.preventDefault(); send(); }}>
      {p.inCall && <span class="composer-note">Messages go into this call's conversation</span>}
      <textarea ref={ref} rows={1} value={text} aria-label="Message" placeholder={p.disabled ?? "Write a message (Enter sends, Shift+Enter new line)"}
        disabled={p.disabled !== undefined} onInput={(e) => typed(e.currentTarget.value)} onKeyDown={onKey} />
      <button type="submit" class="button primary send" aria-label="Send" disabled={!text.trim() || p.disabled !== undefined}>Send</button>
    </form>
  );
}
