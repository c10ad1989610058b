#!/usr/bin/python3
"""Scripted XMPP peer for the cusax test world (slixmpp).

Protocol: one JSON object per line.
stdin  (commands): {"cmd": "send", "to": JID, "body": TEXT, "thread": ID?, "id": ID?, "type": "chat"?}
                   {"cmd": "presence", "show": ..., "status": ..., "to": JID?, "type": ...?}
                   {"cmd": "subscribe", "to": JID} / {"cmd": "approve", "to": JID}
                   {"cmd": "roster"} / {"cmd": "quit"}
                   cusax xmpp tests add: "send" with "receipt": true, "chatstate", "reach": [URI];
                   "presence" with "reach": [URI]; {"cmd": "deny"|"unsubscribe", "to"};
                   {"cmd": "publish_activity", "general", "specific"?} / {"cmd": "stop_activity"};
                   {"cmd": "publish_reach", "uris": [URI]}; {"cmd": "echo", "on": bool};
                   {"cmd": "disco", "to": JID, "node"?}; {"cmd": "ping", "to": JID} -> {"type": "pong"};
                   {"cmd": "rtt", "to": JID, "count": N}
                   {"cmd": "flood", "to", "count", "rate", "prefix"?, "thread"?} -> {"type": "flood_done"} (cusax flood test)
                   cusax messaging tests add: "send" with "markable": true (XEP-0333);
                   {"cmd": "chatstate", "to", "state", "thread"?} (a bare XEP-0085 state);
                   {"cmd": "marker", "to", "id", "kind"?: "displayed", "thread"?} (XEP-0333)
                   (round trips to an echoing peer, reported as {"type": "rtt", "samples": [ms]})
stdout (events):   {"type": "online", "jid": FULLJID}
                   {"type": "message", "from", "to", "body", "thread", "id", "mtype"}
                   {"type": "presence", "from", "ptype", "show", "status"}
                   {"type": "roster", "items": {...}}
                   message events also carry "receipt_request", "receipt_for", "chatstate",
                   "reach", "origin_id", "markable", "marker" ({"kind", "id"}); presence events "caps_node", "caps_ver", "reach";
                   {"type": "activity", "from", "general", "specific"} / {"type": "reach", "from", "uris"}
                   {"type": "disco", "from", "features": [...], "identities": [...]}
                   {"type": "receipt", "from", "id", "thread"} (XEP-0184 receipts slixmpp consumed)
                   {"type": "chatstate", "from", "state", "body"} / {"type": "marker", "from", "kind", "id"}
                   {"type": "ack", "cmd": ...} after each command
                   {"type": "auth_failed"} / {"type": "disconnected"} / {"type": "error", "text"}
"""
import argparse
import asyncio
import json
import ssl
import sys
import time

import xml.etree.ElementTree as ET

import slixmpp

NS_REACH = "urn:xmpp:reach:0"
NS_MARKERS = "urn:xmpp:chat-markers:0"


def reach_element(uris):
    reach = ET.Element("{%s}reach" % NS_REACH)
    for u in uris:
        ET.SubElement(reach, "{%s}addr" % NS_REACH, {"uri": u})
    return reach


def reach_uris(xml):
    reach = xml.find("{%s}reach" % NS_REACH)
    if reach is None:
        return None
    return [a.get("uri") for a in reach.findall("{%s}addr" % NS_REACH)]


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Peer(slixmpp.ClientXMPP):
    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        for plugin in ("xep_0030", "xep_0115", "xep_0199", "xep_0184"):
            self.register_plugin(plugin)
        for plugin in ("xep_0085", "xep_0163", "xep_0108", "xep_0152", "xep_0333"):
            self.register_plugin(plugin)
        self.echo = False
        self.rtt_waiting = {}
        self.add_event_handler("user_activity_publish", self.on_activity)
        self.add_event_handler("reachability_publish", self.on_reach)
        self.add_event_handler("receipt_received", lambda m: emit(
            {"type": "receipt", "from": str(m["from"]), "id": m["receipt"], "thread": m["thread"] or None}))
        # Bodyless stanzas never reach "message" (slixmpp matches message/body): chat states and markers apart.
        self.add_event_handler("chatstate", lambda m: emit(
            {"type": "chatstate", "from": str(m["from"]), "state": m["chat_state"], "body": m["body"] or None}))
        self.add_event_handler("marker", self.on_marker)
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("presence", self.on_presence)
        self.add_event_handler("failed_auth", lambda _e: emit({"type": "auth_failed"}))
        self.add_event_handler("disconnected", lambda _e: emit({"type": "disconnected"}))

    async def on_start(self, _event):
        self.send_presence()
        await self.get_roster()
        emit({"type": "online", "jid": str(self.boundjid.full)})

    def on_message(self, msg):
        x = msg.xml
        receipt = x.find("{urn:xmpp:receipts}received")
        states = [c.tag.split("}")[1] for c in x if c.tag.startswith("{http://jabber.org/protocol/chatstates}")]
        origin = x.find("{urn:xmpp:sid:0}origin-id")
        marker = next((c for c in x if c.tag.startswith("{%s}" % NS_MARKERS) and c.tag.split("}")[1] != "markable"), None)
        emit({
            "type": "message", "from": str(msg["from"]), "to": str(msg["to"]),
            "body": msg["body"], "thread": msg["thread"] or None, "id": msg["id"] or None,
            "mtype": msg["type"],
            "receipt_request": x.find("{urn:xmpp:receipts}request") is not None,
            "receipt_for": receipt.get("id") if receipt is not None else None,
            "chatstate": states[0] if states else None,
            "reach": reach_uris(x),
            "origin_id": origin.get("id") if origin is not None else None,
            "markable": x.find("{%s}markable" % NS_MARKERS) is not None,
            "marker": {"kind": marker.tag.split("}")[1], "id": marker.get("id")} if marker is not None else None,
        })
        waiter = self.rtt_waiting.pop(msg["body"], None)
        if waiter is not None and not waiter.done():
            waiter.set_result(time.perf_counter())
        if self.echo and msg["body"] and msg["type"] in ("chat", "normal"):
            reply = self.make_message(mto=msg["from"], mbody=msg["body"], mtype="chat")
            if msg["thread"]:
                reply["thread"] = msg["thread"]
            reply.send()

    def on_marker(self, msg):
        m = next((c for c in msg.xml if c.tag.startswith("{%s}" % NS_MARKERS) and c.tag.split("}")[1] != "markable"), None)
        if m is not None:
            emit({"type": "marker", "from": str(msg["from"]), "kind": m.tag.split("}")[1], "id": m.get("id")})

    def on_presence(self, pres):
        c = pres.xml.find("{http://jabber.org/protocol/caps}c")
        emit({
            "type": "presence", "from": str(pres["from"]), "ptype": pres["type"],
            "show": pres["show"] or None, "status": pres["status"] or None,
            "caps_node": c.get("node") if c is not None else None,
            "caps_ver": c.get("ver") if c is not None else None,
            "reach": reach_uris(pres.xml),
        })

    def on_activity(self, msg):
        item = msg["pubsub_event"]["items"]["item"].xml
        act = item.find("{http://jabber.org/protocol/activity}activity")
        general = specific = None
        if act is not None:
            kids = [c for c in act if not c.tag.endswith("}text")]
            if kids:
                general = kids[0].tag.split("}")[1]
                sub = list(kids[0])
                specific = sub[0].tag.split("}")[1] if sub else None
        emit({"type": "activity", "from": str(msg["from"]), "general": general, "specific": specific})

    def on_reach(self, msg):
        item = msg["pubsub_event"]["items"]["item"].xml
        emit({"type": "reach", "from": str(msg["from"]), "uris": reach_uris(item) or []})

    async def flood(self, c):
        """{"cmd": "flood", "to", "count", "rate" (messages/s), "prefix"?, "thread"?}: bodies PREFIX00000.. in order."""
        count, rate, prefix = int(c["count"]), float(c.get("rate", 500)), c.get("prefix", "flood-")
        t0 = time.perf_counter()
        for i in range(count):
            m = self.make_message(mto=c["to"], mbody="%s%05d" % (prefix, i), mtype="chat")
            m["id"] = "%s%05d" % (prefix, i)
            if c.get("thread"):
                m["thread"] = c["thread"]
            m.send()
            ahead = t0 + (i + 1) / rate - time.perf_counter()
            if ahead > 0:
                await asyncio.sleep(ahead)
        emit({"type": "flood_done", "count": count, "seconds": time.perf_counter() - t0})

    async def run_command(self, c):
        cmd = c.get("cmd")
        if cmd == "send":
            m = self.make_message(mto=c["to"], mbody=c["body"], mtype=c.get("type", "chat"))
            if c.get("thread"):
                m["thread"] = c["thread"]
            if c.get("id"):
                m["id"] = c["id"]
            if c.get("receipt"):
                m.xml.append(ET.Element("{urn:xmpp:receipts}request"))
            if c.get("chatstate"):
                m.xml.append(ET.Element("{http://jabber.org/protocol/chatstates}" + c["chatstate"]))
            if c.get("reach"):
                m.xml.append(reach_element(c["reach"]))
            if c.get("markable"):
                m.xml.append(ET.Element("{%s}markable" % NS_MARKERS))
            m.send()
        elif cmd == "chatstate":
            m = self.make_message(mto=c["to"], mtype="chat")
            if c.get("thread"):
                m["thread"] = c["thread"]
            m.xml.append(ET.Element("{http://jabber.org/protocol/chatstates}" + c["state"]))
            m.xml.append(ET.Element("{urn:xmpp:hints}no-store"))
            m.send()
        elif cmd == "marker":
            m = self.make_message(mto=c["to"], mtype="chat")
            if c.get("thread"):
                m["thread"] = c["thread"]
            m.xml.append(ET.Element("{%s}%s" % (NS_MARKERS, c.get("kind", "displayed")), {"id": c["id"]}))
            m.send()
        elif cmd == "presence":
            p = self.make_presence(pshow=c.get("show"), pstatus=c.get("status"), pto=c.get("to"), ptype=c.get("type"))
            if c.get("reach"):
                p.xml.append(reach_element(c["reach"]))
            p.send()
        elif cmd == "deny":
            self.send_presence(pto=c["to"], ptype="unsubscribed")
        elif cmd == "unsubscribe":
            self.send_presence(pto=c["to"], ptype="unsubscribe")
        elif cmd == "publish_activity":
            await self["xep_0108"].publish_activity(c["general"], c.get("specific"))
        elif cmd == "stop_activity":
            await self["xep_0108"].stop()
        elif cmd == "publish_reach":
            await self["xep_0152"].publish_reachability([{"uri": u} for u in c["uris"]])
        elif cmd == "ping":
            rtt = await self["xep_0199"].ping(jid=c["to"], timeout=10)
            emit({"type": "pong", "from": c["to"], "rtt": rtt})
        elif cmd == "rtt":
            samples = []
            for i in range(int(c.get("count", 100))):
                body = "rtt-slix-%d" % i
                fut = asyncio.get_event_loop().create_future()
                self.rtt_waiting[body] = fut
                t0 = time.perf_counter()
                self.make_message(mto=c["to"], mbody=body, mtype="chat").send()
                t1 = await asyncio.wait_for(fut, 10)
                samples.append((t1 - t0) * 1000.0)
            emit({"type": "rtt", "samples": samples})
        elif cmd == "flood":
            asyncio.get_event_loop().create_task(self.flood(c))
        elif cmd == "echo":
            self.echo = bool(c.get("on", True))
        elif cmd == "disco":
            info = await self["xep_0030"].get_info(jid=c["to"], node=c.get("node"), cached=False)
            q = info["disco_info"]
            emit({"type": "disco", "from": c["to"], "features": list(q["features"]),
                  "identities": [list(i) for i in q["identities"]]})
        elif cmd == "subscribe":
            self.send_presence_subscription(pto=c["to"])
        elif cmd == "approve":
            self.send_presence(pto=c["to"], ptype="subscribed")
        elif cmd == "roster":
            await self.get_roster()
            emit({"type": "roster", "items": {str(j): dict(self.client_roster[j]) for j in self.client_roster}})
        elif cmd == "quit":
            self.disconnect()
        else:
            emit({"type": "error", "text": "unknown command %r" % cmd})
            return
        emit({"type": "ack", "cmd": cmd})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jid", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cafile")
    # The harness passes every value glued to its flag ("--password=-x"), so a
    # value starting with "-" is never taken for an option.
    args = ap.parse_args()

    peer = Peer(args)
    if args.cafile:
        peer.ssl_context = ssl.create_default_context(cafile=args.cafile)
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()

    async def commands():
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                peer.disconnect()
                return
            try:
                await peer.run_command(json.loads(line))
            except Exception as e:  # report and keep serving
                emit({"type": "error", "text": repr(e)})

    peer.connect(address=(args.host, args.port))
    loop.create_task(commands())
    loop.run_until_complete(peer.disconnected)


if __name__ == "__main__":
    main()
