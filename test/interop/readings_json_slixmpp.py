#!/usr/bin/python3
"""Interoperability check: a slixmpp subscriber asks for a device's readings in JSON.

References: XEP-0060 §6.3.7 (subscribe and configure: a subscribe_options form with the
subscription), §6.3.2 (the options form), §7.1.2 (notifications), §6.5 (items);
docs/protocol.md ("Readings in JSON": the x-xiot#encoding option).

One slixmpp client logs in, subscribes to a readings node with x-xiot#encoding = json, reads the
options form back, waits for a notification and parses its <readings encoding='json'> as JSON,
then asks for that item by id. Every step prints one JSON line on stdout:
{"step": "...", "ok": true, ...details} or {"step": "...", "ok": false, "error": "..."}.
Run it with Debian's interpreter (/usr/bin/python3, package python3-slixmpp):

  readings_json_slixmpp.py HOST PORT HUB JID PASSWORD NODE
"""

import asyncio
import json
import sys

from slix_common import Session, report

NS_READINGS = "urn:xiot:readings:0"
NS_OPTIONS = "http://jabber.org/protocol/pubsub#subscribe_options"
TIMEOUT = 30


def readings_of(item):
    """(encoding, document) of an item's <readings/> payload."""
    payload = item.xml.find(f"{{{NS_READINGS}}}readings")
    if payload is None:
        raise ValueError("the item carries no <readings/>")
    encoding = payload.get("encoding")
    return encoding, json.loads(payload.text) if encoding == "json" else None


class Client(Session):
    def __init__(self, jid, password):
        super().__init__(jid, password, ["xep_0004", "xep_0060"])
        self.published = asyncio.get_event_loop().create_future()
        self.add_event_handler("pubsub_publish", self.on_publish)

    def on_publish(self, msg):
        if not self.published.done():
            self.published.set_result(msg["pubsub_event"]["items"]["item"])


async def main(host, port, hub, jid, password, node):
    client = Client(jid, password)
    client.connect((host, int(port)), force_starttls=False, disable_starttls=True)
    try:
        await asyncio.wait_for(client.online, TIMEOUT)
        report("login")

        form = client["xep_0004"].make_form(ftype="submit")
        form.add_field(var="FORM_TYPE", ftype="hidden", value=NS_OPTIONS)
        form.add_field(var="x-xiot#encoding", value="json")
        sub = await client["xep_0060"].subscribe(hub, node, options=form, timeout=TIMEOUT)
        state = sub["pubsub"]["subscription"]["subscription"]
        report("subscribe", ok=state == "subscribed", subscription=state)

        got = await client["xep_0060"].get_subscription_options(hub, node, client.boundjid.bare, timeout=TIMEOUT)
        values = got["pubsub"]["options"]["options"].get_values()
        report("options", ok=values.get("x-xiot#encoding") == "json", encoding=values.get("x-xiot#encoding"))

        item = await asyncio.wait_for(client.published, TIMEOUT)
        encoding, document = readings_of(item)
        report("notification", ok=encoding == "json", id=item["id"], encoding=encoding, document=document)

        result = await client["xep_0060"].get_items(hub, node, item_ids=[item["id"]], timeout=TIMEOUT)
        items = list(result["pubsub"]["items"])
        encoding, again = readings_of(items[0])
        report("items", ok=encoding == "json" and again == document, encoding=encoding, same=again == document)
    except Exception as error:  # noqa: BLE001 - every failure becomes one reported step
        report("error", ok=False, error=f"{type(error).__name__}: {error}")
    finally:
        client.disconnect()


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    asyncio.get_event_loop().run_until_complete(main(*sys.argv[1:]))
