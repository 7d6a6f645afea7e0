#!/usr/bin/python3
"""Interoperability check: slixmpp's XEP-0050 plugin drives the hub's ad-hoc commands.

References: XEP-0050 §3.2 (list commands via disco#items), §3.3 (multi-stage execution with
next and complete, completed with notes), XEP-0004 (forms).

One slixmpp client logs in to the server's c2s listener, lists the hub's commands, runs
"Control a device" stage by stage (device from the offered list, then channel and value from
the offered lists) and "Device status". Every step prints one JSON line on stdout:
{"step": "...", "ok": true, ...details} or {"step": "...", "ok": false, "error": "..."}.
Run it with Debian's interpreter (/usr/bin/python3, package python3-slixmpp):

  control_adhoc_slixmpp.py HOST PORT HUB JID PASSWORD DEVICE CHANNEL VALUE
"""

import asyncio
import sys

from slix_common import Session, report

CMD_CONTROL = "urn:xiot:control:set"
CMD_STATUS = "urn:xiot:control:status"
TIMEOUT = 20


def options_of(form, var):
    field = form.get_fields().get(var) if form is not None else None
    return [] if field is None else [o["value"] for o in field.get_options()]


def fields_of(form):
    return {var: value for var, value in form.get_values().items()} if form is not None else {}


class Client(Session):
    def __init__(self, jid, password):
        super().__init__(jid, password, ["xep_0004", "xep_0030", "xep_0050"])

    def submit(self, values):
        form = self["xep_0004"].make_form(ftype="submit")
        for var, value in values.items():
            form.add_field(var=var, value=value)
        return form

    async def run_stages(self, hub, node, answers):
        """Runs a command; `answers(stage, form)` gives the values to submit at each stage
        (and whether that stage completes). Returns (status, notes, result form) of the end."""
        done = asyncio.get_event_loop().create_future()
        stage = {"n": 0}

        def on_next(iq, session):
            command = iq["command"]
            if command["status"] != "executing":
                notes = [{"type": t, "text": text} for t, text in command["notes"]]
                done.set_result((command["status"], notes, command["form"]))
                return
            stage["n"] += 1
            values, complete = answers(stage["n"], command["form"])
            session["payload"] = self.submit(values)
            session["next"] = on_next
            if complete:
                self["xep_0050"].complete_command(session)
            else:
                self["xep_0050"].continue_command(session)

        def on_error(iq, _session):
            done.set_exception(RuntimeError(str(iq["error"]["condition"])))

        self["xep_0050"].start_command(hub, node, {"next": on_next, "error": on_error})
        return await asyncio.wait_for(done, TIMEOUT)


async def main(host, port, hub, jid, password, device, channel, value):
    client = Client(jid, password)
    client.connect((host, int(port)), force_starttls=False, disable_starttls=True)
    try:
        await asyncio.wait_for(client.online, TIMEOUT)
        report("login")

        items = await client["xep_0050"].get_commands(hub, timeout=TIMEOUT)
        nodes = [i[1] for i in items["disco_items"]["items"]]
        report("list", ok=CMD_CONTROL in nodes and CMD_STATUS in nodes, nodes=nodes)

        seen = {}

        def control_answers(stage, form):
            if stage == 1:
                seen["devices"] = options_of(form, "device")
                return {"device": device}, False
            seen["channels"] = options_of(form, "channel")
            seen["values"] = options_of(form, "value")
            return {"device": device, "channel": channel, "value": value}, True

        status, notes, form = await client.run_stages(hub, CMD_CONTROL, control_answers)
        result = fields_of(form)
        report(
            "control",
            ok=status == "completed" and result.get("outcome") == "done",
            status=status,
            notes=notes,
            fields=result,
            **seen,
        )

        status, notes, form = await client.run_stages(hub, CMD_STATUS, lambda _n, _f: ({"device": device}, True))
        report("status", ok=status == "completed", status=status, notes=notes, fields=fields_of(form))
    except Exception as error:  # noqa: BLE001 - every failure becomes one reported step
        report("error", ok=False, error=f"{type(error).__name__}: {error}")
    finally:
        client.disconnect()


if __name__ == "__main__":
    if len(sys.argv) != 9:
        sys.exit(__doc__)
    asyncio.get_event_loop().run_until_complete(main(*sys.argv[1:]))
