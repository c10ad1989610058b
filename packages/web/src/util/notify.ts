// Browser notifications (Notification API) for messages and calls while the
// tab is hidden; permission is asked only from a user gesture.
export function notificationsState(): "unsupported" | NotificationPermission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

export async function askNotifications(): Promise<string> {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.requestPermission();
}

export function showNotification(title: string, body: string, onClick: () => void): void {
  if (notificationsState() !== "granted" || !document.hidden) return;
  try {
    const n = new Notification(title, { body, tag: `cusax-${title}` });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // some platforms allow notifications from service workers only
  }
}
