#!/usr/bin/python3
"""Interoperability check: slixmpp's XEP-0060 plugin against the xiot hub.

References: XEP-0060 §6.1 (subscribe), §6.5 (items), §7.1 (publish), §7.2 (retract),
§8.1 (create), §8.2 (configure), §8.4 (delete).

Two slixmpp clients (an owner and a subscriber) log in to the server's c2s listener and drive
the hub's PubSub service. Every step prints one JSON line on stdout:
{"step": "...", "ok": true, ...details} or {"step": "...", "ok": false, "error": "..."}.
Run it with Debian's interpreter (/usr/bin/python3, package python3-slixmpp):

  pubsub_slixmpp.py HOST PORT HUB OWNER_JID OWNER_PASSWORD SUB_JID SUB_PASSWORD NODE
"""

import asyncio
import json
import sys
import xml.etree.ElementTree as ET

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout

NS_NODE_CONFIG = "http://jabber.org/protocol/pubsub#node_config"
NS_PAYLOAD = "urn:xiot:interop:0"
TIMEOUT = 10


def report(step, ok=True, **details):
    print(json.dumps({"step": step, "ok": ok, **details}), flush=True)


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.register_plugin("xep_0004")
        self.register_plugin("xep_0060")
        self.events = asyncio.Queue()
        self.online = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("failed_auth", self.on_failed_auth)
        for name in ("pubsub_publish", "pubsub_retract", "pubsub_delete"):
            self.add_event_handler(name, self.queue_as(name))

    def queue_as(self, name):
        def handler(msg):
            self.events.put_nowait((name, msg))

        return handler

    async def on_start(self, _event):
        # Available presence: notifications to the bare JID reach this session.
        self.send_presence()
        if not self.online.done():
            self.online.set_result(True)

    def on_failed_auth(self, _event):
        if not self.online.done():
            self.online.set_exception(RuntimeError("authentication failed"))

    async def next_event(self, name):
        while True:
            got, msg = await asyncio.wait_for(self.events.get(), TIMEOUT)
            if got == name:
                return msg


def config_form(client, fields):
    form = client["xep_0004"].make_form(ftype="submit")
    form.add_field(var="FORM_TYPE", ftype="hidden", value=NS_NODE_CONFIG)
    for var, value in fields.items():
        form.add_field(var=var, value=value)
    return form


def error_of(exc):
    if isinstance(exc, IqError):
        return f"{exc.etype}/{exc.condition}"
    if isinstance(exc, IqTimeout):
        return "timeout"
    return f"{type(exc).__name__}: {exc}"


async def step(name, action):
    try:
        details = await action()
        report(name, **(details or {}))
        return True
    except Exception as exc:  # every failure is reported as the step's outcome
        report(name, ok=False, error=error_of(exc))
        return False


async def scenario(owner, sub, hub, node):
    ps_owner, ps_sub = owner["xep_0060"], sub["xep_0060"]

    async def create():
        form = config_form(owner, {"pubsub#title": "Interop", "pubsub#max_items": "10"})
        await ps_owner.create_node(hub, node, config=form, timeout=TIMEOUT)

    async def configure():
        await ps_owner.set_node_config(
            hub, node, config_form(owner, {"pubsub#title": "Renamed by slixmpp"}), timeout=TIMEOUT
        )
        iq = await ps_owner.get_node_config(hub, node, timeout=TIMEOUT)
        values = iq["pubsub_owner"]["configure"]["form"].get_values()
        return {"title": values.get("pubsub#title"), "max_items": values.get("pubsub#max_items")}

    async def subscribe():
        iq = await ps_sub.subscribe(hub, node, timeout=TIMEOUT)
        subscription = iq["pubsub"]["subscription"]
        return {"subscription": subscription["subscription"], "jid": str(subscription["jid"])}

    async def publish():
        payload = ET.Element(f"{{{NS_PAYLOAD}}}reading")
        payload.text = "21.5"
        iq = await ps_owner.publish(hub, node, id="slix-1", payload=payload, timeout=TIMEOUT)
        return {"id": iq["pubsub"]["publish"]["item"]["id"]}

    async def notification():
        msg = await sub.next_event("pubsub_publish")
        item = msg["pubsub_event"]["items"]["item"]
        payload = item.xml.find(f"{{{NS_PAYLOAD}}}reading")
        return {
            "node": msg["pubsub_event"]["items"]["node"],
            "id": item["id"],
            "payload": None if payload is None else payload.text,
        }

    async def items():
        iq = await ps_sub.get_items(hub, node, timeout=TIMEOUT)
        found = [item["id"] for item in iq["pubsub"]["items"]]
        return {"ids": found}

    async def retract():
        await ps_owner.retract(hub, node, "slix-1", notify=True, timeout=TIMEOUT)
        msg = await sub.next_event("pubsub_retract")
        return {"retracted": msg["pubsub_event"]["items"]["retract"]["id"]}

    async def delete():
        await ps_owner.delete_node(hub, node, timeout=TIMEOUT)
        msg = await sub.next_event("pubsub_delete")
        return {"deleted": msg["pubsub_event"]["delete"]["node"]}

    for name, action in [
        ("create", create),
        ("configure", configure),
        ("subscribe", subscribe),
        ("publish", publish),
        ("notification", notification),
        ("items", items),
        ("retract", retract),
        ("delete", delete),
    ]:
        if not await step(name, action):
            return 1
    return 0


async def main(argv):
    host, port, hub, owner_jid, owner_pw, sub_jid, sub_pw, node = argv
    clients = [Client(owner_jid, owner_pw), Client(sub_jid, sub_pw)]
    for client in clients:
        # Loopback server without TLS (the e2e harness); SCRAM needs no encryption.
        client.connect((host, int(port)), force_starttls=False, disable_starttls=True)
    try:
        await asyncio.wait_for(asyncio.gather(*(c.online for c in clients)), TIMEOUT)
        report("connect")
    except Exception as exc:  # the connection failure is the outcome to report
        report("connect", ok=False, error=error_of(exc))
        return 1
    code = await scenario(clients[0], clients[1], hub, node)
    for client in clients:
        client.disconnect()
    return code


if __name__ == "__main__":
    if len(sys.argv) != 9:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(main(sys.argv[1:])))
