// A modal dialog on the native <dialog>: Esc closes it, focus stays inside,
// and focus returns to what opened it.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";

export function Dialog(p: { title: string; onClose: () => void; children: ComponentChildren; class?: string }): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog ref={ref} class={`dialog ${p.class ?? ""}`} aria-label={p.title} onCancel={(e) => { e.preventDefault(); p.onClose(); }}>
      <header class="dialog-head">
        <h2>{p.title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={p.onClose}>×</button>
      </header>
      <div class="dialog-body">{p.children}</div>
    </dialog>
  );
}
