#!/usr/bin/python3
"""Interoperability check: slixmpp's XEP-0184 and XEP-0333 plugins against the hub's and a
device's chat.

References: XEP-0184 §5 (a message with <request/> and an id is answered by <received id/>),
XEP-0333 §4 (a <markable/> message is answered by <displayed id/>), XEP-0030 (both announce
the features in disco#info).

One slixmpp client logs in to the server's c2s listener and, for each target, asks disco#info for
its features and sends one chat command that requests a receipt and is markable; it waits for the
receipt, the displayed marker and the reply. Every step prints one JSON line on stdout:
{"step": "...", "ok": true, ...details} or {"step": "...", "ok": false, "error": "..."}.
Run it with Debian's interpreter (/usr/bin/python3, package python3-slixmpp):

  chat_receipts_slixmpp.py HOST PORT JID PASSWORD TARGET TEXT [TARGET TEXT ...]
"""

import asyncio
import sys

import slixmpp
from slix_common import Session, report

TIMEOUT = 20
RECEIPTS = "urn:xmpp:receipts"
MARKERS = "urn:xmpp:chat-markers:0"


def seen(msg):
    return {"from": str(msg["from"]), "type": msg["type"]}


class Client(Session):
    def __init__(self, jid, password):
        super().__init__(jid, password, ["xep_0030", "xep_0184", "xep_0333"])
        self.waiting = {}
        self.add_event_handler("receipt_received", lambda m: self.heard("receipt", m["receipt"], seen(m)))
        self.add_event_handler("marker_displayed", lambda m: self.heard("displayed", m["displayed"]["id"], seen(m)))
        self.add_event_handler("message", self.on_message)

    def expect(self, kind, key):
        future = asyncio.get_event_loop().create_future()
        self.waiting[(kind, key)] = future
        return future

    def heard(self, kind, key, value):
        future = self.waiting.pop((kind, key), None)
        if future is not None and not future.done():
            future.set_result(value)

    def on_message(self, msg):
        if msg["body"]:
            self.heard("body", msg["from"].bare, msg["body"])


async def main(host, port, jid, password, *pairs):
    client = Client(jid, password)
    client.connect((host, int(port)), force_starttls=False, disable_starttls=True)
    try:
        await asyncio.wait_for(client.online, TIMEOUT)
        report("login")
        for target, text in zip(pairs[0::2], pairs[1::2]):
            info = await client["xep_0030"].get_info(jid=target, timeout=TIMEOUT)
            features = sorted(info["disco_info"]["features"])
            report(f"disco {target}", ok=RECEIPTS in features and MARKERS in features, features=features)

            msg = client.make_message(mto=target, mbody=text, mtype="chat")
            msg["id"] = f"ask-{target}"
            msg["request_receipt"] = True
            msg.enable("markable")
            bare = slixmpp.JID(target).bare
            waits = [
                client.expect("receipt", msg["id"]),
                client.expect("displayed", msg["id"]),
                client.expect("body", bare),
            ]
            msg.send()
            receipt, displayed, body = await asyncio.wait_for(asyncio.gather(*waits), TIMEOUT)
            report(f"chat {target}", receipt=receipt, displayed=displayed, body=body)
    except Exception as error:  # noqa: BLE001 - every failure becomes one reported step
        report("error", ok=False, error=f"{type(error).__name__}: {error}")
    finally:
        client.disconnect()


if __name__ == "__main__":
    if len(sys.argv) < 7 or len(sys.argv) % 2 == 0:
        sys.exit(__doc__)
    asyncio.get_event_loop().run_until_complete(main(*sys.argv[1:]))
