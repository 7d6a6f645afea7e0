import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { createAccountInvite, InviteError } from "../../../cli/provision/invite";
import { makeCommandReply, runCommand } from "../../../shared/xmpp/adhoc";
import { makeForm } from "../../../shared/xmpp/forms";
import { StanzaError } from "../../../shared/xmpp/stanza-error";
import { canon, parseXml } from "../../helpers/stanza";

/** A fake responder: records requests and answers from a script. */
function responder(answers: Array<(iq: Element) => Element>) {
  const sent: Element[] = [];
  const request = async (iq: Element) => {
    sent.push(iq);
    const answer = answers.shift();
    if (!answer) throw new Error("unexpected request");
    const reply = answer(iq);
    if (reply.name === "error")
      throw StanzaError.fromStanza(parseXml(`<iq type='error'>${reply.toString()}</iq>`));
    return parseXml(`<iq type='result'>${reply.toString()}</iq>`);
  };
  return { sent, request };
}

describe("runCommand (XEP-0050 client)", () => {
  it("executes, submits the fields to the form it gets back, and returns the completed result", async () => {
    const r = responder([
      () =>
        makeCommandReply({
          node: "n",
          sessionid: "S1",
          status: "executing",
          form: makeForm({ type: "form", formType: "urn:t", fields: [{ var: "device" }] }),
        }),
      () =>
        makeCommandReply({
          node: "n",
          sessionid: "S1",
          status: "completed",
          note: { type: "info", text: "done" },
          form: makeForm({ type: "result", fields: [{ var: "out", values: ["42"] }] }),
        }),
    ]);
    const outcome = await runCommand(r.request, {
      to: "hub.example.org",
      node: "n",
      fields: { device: "k1" },
    });
    expect(canon(r.sent[0])).toBe(
      canon(
        "<iq type='set' to='hub.example.org'><command xmlns='http://jabber.org/protocol/commands' node='n' action='execute'/></iq>",
      ),
    );
    expect(canon(r.sent[1])).toBe(
      canon(
        "<iq type='set' to='hub.example.org'><command xmlns='http://jabber.org/protocol/commands' node='n' action='complete' sessionid='S1'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:t</value></field><field var='device'><value>k1</value></field></x></command></iq>",
      ),
    );
    expect(outcome.status).toBe("completed");
    expect(outcome.notes).toEqual([{ type: "info", text: "done" }]);
    expect(outcome.form?.fields.get("out")).toEqual(["42"]);
  });

  it("returns a one-step command's answer at once", async () => {
    const r = responder([() => makeCommandReply({ node: "n", sessionid: "S", status: "completed" })]);
    expect((await runCommand(r.request, { to: "x", node: "n" })).status).toBe("completed");
    expect(r.sent).toHaveLength(1);
  });
});

describe("account invites from Prosody", () => {
  const inviteReply = (uri: string) => () =>
    makeCommandReply({
      node: "urn:xmpp:invite#create-account",
      sessionid: "s",
      status: "completed",
      form: makeForm({
        type: "result",
        fields: [
          { var: "uri", values: [uri] },
          { var: "expire", values: ["2026-11-28T00:00:00Z"] },
        ],
      }),
    });

  it("takes the preauth token of the invite URI", async () => {
    const r = responder([inviteReply("xmpp:localhost?register;preauth=TOK123")]);
    const invite = await createAccountInvite(r.request, "localhost");
    expect(invite).toEqual({
      uri: "xmpp:localhost?register;preauth=TOK123",
      token: "TOK123",
      expires: "2026-11-28T00:00:00Z",
    });
    expect(r.sent[0]?.attrs.to).toBe("localhost");
  });

  it("explains a refusal and a URI without a token", async () => {
    const forbidden = responder([
      () => parseXml("<error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"),
    ]);
    await expect(createAccountInvite(forbidden.request, "localhost")).rejects.toThrow(
      /must be a server admin/,
    );
    const bare = responder([inviteReply("xmpp:localhost?register")]);
    await expect(createAccountInvite(bare.request, "localhost")).rejects.toBeInstanceOf(InviteError);
  });
});
