"""What the interoperability scripts share: one JSON line per step, and a slixmpp client that
resolves `online` once its session has started (or fails it when the login is refused).
The scripts run with Debian's /usr/bin/python3 (python3-slixmpp); their folder is on sys.path."""

import asyncio
import json

import slixmpp


def report(step, ok=True, **details):
    """Prints one step: {"step": ..., "ok": ..., ...details}."""
    print(json.dumps({"step": step, "ok": ok, **details}), flush=True)


class Session(slixmpp.ClientXMPP):
    """A client with `plugins` registered; `await session.online` after connect()."""

    def __init__(self, jid, password, plugins):
        super().__init__(jid, password)
        for plugin in plugins:
            self.register_plugin(plugin)
        self.online = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self._on_start)
        self.add_event_handler("failed_auth", lambda _e: self._fail_start("authentication failed"))

    async def _on_start(self, _event):
        self.send_presence()
        if not self.online.done():
            self.online.set_result(True)

    def _fail_start(self, why):
        if not self.online.done():
            self.online.set_exception(RuntimeError(why))
