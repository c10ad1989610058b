// XEP-0108 §2 user activity over PEP (XEP-0163), node http://jabber.org/protocol/activity.
import { xml, type Element } from "../xml.js";

export const NS_ACTIVITY = "http://jabber.org/protocol/activity";

/** XEP-0108 §2.1: a general category with an optional specific instance. */
export type Activity = { general: string; specific?: string; text?: string };

export const ON_THE_PHONE: Activity = { general: "talking", specific: "on_the_phone" };
export const ON_VIDEO_PHONE: Activity = { general: "talking", specific: "on_video_phone" };

export function serializeActivity(activity: Activity | undefined): Element {
  // XEP-0108 §3: an empty <activity/> says the user stopped the activity.
  if (!activity) return xml("activity", { xmlns: NS_ACTIVITY });
  return xml(
    "activity",
    { xmlns: NS_ACTIVITY },
    xml(activity.general, {}, activity.specific ? xml(activity.specific, {}) : null),
    activity.text !== undefined ? xml("text", {}, activity.text) : null,
  );
}

/** `undefined` for an empty (stopped) activity or no activity element. */
export function parseActivity(el: Element): Activity | undefined {
  const a = el.is("activity", NS_ACTIVITY) ? el : el.getChild("activity", NS_ACTIVITY);
  if (!a) return undefined;
  const general = a.getChildElements().find((c) => c.name !== "text");
  if (!general) return undefined;
  const out: Activity = { general: general.name };
  const specific = general.getChildElements()[0];
  if (specific) out.specific = specific.name;
  const text = a.getChildText("text");
  if (text) out.text = text;
  return out;
}
