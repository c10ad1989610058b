// Requests about people: XEP-0054 / XEP-0292 vCards, XEP-0108 activity and
// XEP-0152 reach over XEP-0163 PEP, XEP-0030 disco#info. Each is one IQ.
import type { Element } from "./xml.js";
import { parseVcardTemp, serializeVcardTempPublish, serializeVcardTempQuery } from "./vcard/vcard-temp.js";
import { parseVcard4, serializeVcard4Publish, serializeVcard4Query } from "./vcard/vcard4.js";
import type { Vcard } from "./vcard/vcard.js";
import { serializePepPublish, serializePepItemsQuery, parsePepItemsResult } from "./pep/pep.js";
import { NS_ACTIVITY, serializeActivity, type Activity } from "./activity/activity.js";
import { NS_REACH, parseReach, serializeReach, type ReachAddr } from "./reach/reach.js";
import { parseDiscoInfo, serializeDiscoInfoQuery, type DiscoInfo } from "./caps/disco-info.js";

export type Iq = (el: Element, signal?: AbortSignal) => Promise<Element>;

export async function fetchVcardTemp(iq: Iq, jid?: string, signal?: AbortSignal): Promise<Vcard | undefined> {
  return parseVcardTemp(await iq(serializeVcardTempQuery(jid), signal));
}

export async function publishVcardTemp(iq: Iq, vcard: Vcard, signal?: AbortSignal): Promise<void> {
  await iq(serializeVcardTempPublish(vcard), signal);
}

export async function fetchVcard4(iq: Iq, jid: string, signal?: AbortSignal): Promise<Vcard | undefined> {
  return parseVcard4(await iq(serializeVcard4Query(jid), signal));
}

export async function publishVcard4(iq: Iq, vcard: Vcard, signal?: AbortSignal): Promise<void> {
  await iq(serializeVcard4Publish(vcard), signal);
}

/** XEP-0108 §3: publish an activity, or the empty element that ends it. */
export async function publishActivity(iq: Iq, activity: Activity | undefined, signal?: AbortSignal): Promise<void> {
  await iq(serializePepPublish(NS_ACTIVITY, serializeActivity(activity)), signal);
}

export async function publishReach(iq: Iq, addrs: readonly ReachAddr[], signal?: AbortSignal): Promise<void> {
  await iq(serializePepPublish(NS_REACH, serializeReach(addrs)), signal);
}

export async function fetchReach(iq: Iq, jid: string, signal?: AbortSignal): Promise<ReachAddr[] | undefined> {
  const payload = parsePepItemsResult(await iq(serializePepItemsQuery(jid, NS_REACH), signal));
  return payload ? parseReach(payload) : undefined;
}

export async function discoInfo(iq: Iq, jid: string, node?: string, signal?: AbortSignal): Promise<DiscoInfo> {
  return parseDiscoInfo(await iq(serializeDiscoInfoQuery(jid, node), signal));
}
