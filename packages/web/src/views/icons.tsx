// Small inline SVG icons (no icon font, no files; stroke follows the text colour).
import type { JSX } from "preact";

const PATHS = {
  phone: "M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2",
  video: "M3 7h12v10H3zM15 11l6-4v10l-6-4",
  send: "M4 12l16-8-6 16-2-7z",
  back: "M15 5l-7 7 7 7",
  link: "M10 14a4 4 0 0 0 6 0l3-3a4 4 0 0 0-6-6l-1 1M14 10a4 4 0 0 0-6 0l-3 3a4 4 0 0 0 6 6l1-1",
  keypad: "M6 5h.01M12 5h.01M18 5h.01M6 11h.01M12 11h.01M18 11h.01M6 17h.01M12 17h.01M18 17h.01M12 21h.01",
  pause: "M8 5v14M16 5v14",
  play: "M7 5l12 7-12 7z",
  hangup: "M3 14c5-5 13-5 18 0l-2 3-4-1v-3a10 10 0 0 0-6 0v3l-4 1z",
  mic: "M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3M6 11a6 6 0 0 0 12 0M12 17v4M4 4l16 16",
  transfer: "M4 8h13l-3-3M20 16H7l3 3",
  search: "M11 4a7 7 0 1 1 0 14 7 7 0 0 1 0-14M16 16l5 5",
  plus: "M12 5v14M5 12h14",
  bell: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
  more: "M12 6h.01M12 12h.01M12 18h.01",
  close: "M6 6l12 12M18 6L6 18",
  check: "M5 12l4 4 10-10",
  alert: "M12 8v5M12 16h.01M12 3l10 18H2z",
  gear: "M12 9a3 3 0 1 1 0 6 3 3 0 0 1 0-6M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1",
  micOn: "M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3M6 11a6 6 0 0 0 12 0M12 17v4",
  camera: "M3 7h12v10H3zM15 11l6-4v10l-6-4",
  cameraOff: "M3 7h12v10H3zM15 11l6-4v10l-6-4M3 3l18 18",
  speaker: "M4 9h4l5-4v14l-5-4H4zM16 9a4 4 0 0 1 0 6M18.5 6.5a8 8 0 0 1 0 11",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, class: cls }: { name: IconName; class?: string }): JSX.Element {
  return (
    <svg class={`icon ${cls ?? ""}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
