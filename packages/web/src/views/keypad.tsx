// A phone keypad (0-9 * #) for dialling and for DTMF during a call (RFC 4733 digits).
import type { JSX } from "preact";

export const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"] as const;
const LETTERS: Record<string, string> = { "2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS", "8": "TUV", "9": "WXYZ", "0": "+" };

export function Keypad({ onKey, label }: { onKey(k: string): void; label: string }): JSX.Element {
  return (
    <div class="keypad" role="group" aria-label={label}>
      {KEYS.map((k) => (
        <button type="button" class="key" key={k} aria-label={`${label} ${k}`} onClick={() => onKey(k)}>
          <span class="key-digit">{k}</span>
          <span class="key-letters">{LETTERS[k] ?? "\u00a0"}</span>
        </button>
      ))}
    </div>
  );
}
