import xml from "@xmpp/xml";
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../../shared/log";
import { ScramSha1 } from "../../../../shared/xmpp/scram";
import { nodeScram } from "../../../../shared/xmpp/scram-node";
import {
  createSession,
  DisconnectedError,
  explainSaslError,
  type Transport,
} from "../../../../shared/xmpp/session";

const config = { service: "xmpp://localhost:1", domain: "localhost", username: "u", password: "p" };

function session() {
  const transport: Transport = { scram: nodeScram, isLoopback: () => true, prepare: vi.fn() };
  return { connection: createSession({ config, transport, log: silentLogger() }), transport };
}

describe("createSession", () => {
  it("prepares the entity with the transport, uses our SCRAM-SHA-1, and leaves the library's reconnect off", () => {
    const { connection, transport } = session();
    expect(transport.prepare).toHaveBeenCalledWith(connection.xmpp);
    const factory = (
      connection.xmpp as unknown as { saslFactory: { _mechs: { name: string; mech: new () => unknown }[] } }
    ).saslFactory;
    const [scram, ...others] = factory._mechs.filter((m) => m.name === "SCRAM-SHA-1");
    expect(others).toEqual([]);
    if (!scram) throw new Error("no SCRAM-SHA-1 registered");
    expect(new scram.mech()).toBeInstanceOf(ScramSha1);
    expect(connection.online).toBe(false);
  });

  it("refuses to send while offline", async () => {
    const { connection } = session();
    await expect(connection.send(xml("presence"))).rejects.toBeInstanceOf(DisconnectedError);
    await expect(connection.request(xml("iq", { type: "get" }))).rejects.toBeInstanceOf(DisconnectedError);
    expect(connection.iq.size).toBe(0);
  });

  it("fails pending requests at once when the link goes offline, and answers the others through the one caller", async () => {
    const { connection } = session();
    const sent: string[] = [];
    (connection.xmpp as unknown as { status: string }).status = "online";
    vi.spyOn(connection.xmpp, "send").mockImplementation(async (stanza) => {
      sent.push(String(stanza.attrs.id));
    });
    const answered = connection.request(xml("iq", { type: "get", id: "q1" }));
    const pending = connection.request(xml("iq", { type: "get", id: "q2" }));
    connection.xmpp.emit("stanza", xml("iq", { type: "result", id: "q1" }));
    await expect(answered).resolves.toMatchObject({ attrs: { id: "q1" } });
    connection.link.emit("offline");
    await expect(pending).rejects.toBeInstanceOf(DisconnectedError);
    expect(sent).toEqual(["q1", "q2"]);
    expect(connection.iq.size).toBe(0);
  });

  it("says a refused login in words that are true whether the password or the account is wrong", () => {
    const sasl = (condition: string) => Object.assign(new Error(condition), { name: "SASLError", condition });
    expect(explainSaslError(sasl("not-authorized"), "demo@localhost")).toBe(
      "wrong password (or no such account) for demo@localhost",
    );
    expect(explainSaslError(sasl("account-disabled"), "demo@localhost")).toBe(
      "the account demo@localhost is disabled",
    );
    expect(explainSaslError(sasl("temporary-auth-failure"), "demo@localhost")).toBeUndefined();
    const stream = Object.assign(new Error("x"), { name: "StreamError", condition: "not-authorized" });
    expect(explainSaslError(stream, "demo@localhost")).toBeUndefined();
  });
});
