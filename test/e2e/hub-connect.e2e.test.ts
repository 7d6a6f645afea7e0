import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS_DISCO_INFO } from "../../shared/xmpp/ns";
import type { CliProcess } from "../helpers/cli";
import { startServer, type TestServer } from "./server";

describe("a client and the hub through a real Prosody", () => {
  let server: TestServer;
  let hub: CliProcess;

  beforeAll(async () => {
    server = await startServer();
    hub = await server.hub();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("registers in-band, logs in and reads the hub's disco#info identity", async () => {
    const account = await server.register();
    const client = await server.client(account);
    expect(client.jid()).toBe(`${account.jid}/test`);
    const result = await client.request(
      xml("iq", { type: "get", to: "hub.localhost" }, xml("query", { xmlns: NS_DISCO_INFO })),
    );
    const query = result.getChild("query", NS_DISCO_INFO)!;
    const identities = query.getChildren("identity").map((i) => i.attrs);
    expect(identities).toContainEqual({ category: "component", type: "generic", name: "xiot hub" });
    const features = query.getChildren("feature").map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining([NS_DISCO_INFO, "urn:xmpp:ping"]));
  });

  it("refuses to register an account that exists, naming the conflict", async () => {
    const account = await server.register();
    await expect(server.register(account.username)).rejects.toMatchObject({ condition: "conflict" });
  });

  it("answers every IQ it does not handle with service-unavailable", async () => {
    const client = await server.client(await server.register());
    const unknown = xml(
      "iq",
      { type: "get", to: "hub.localhost" },
      xml("query", { xmlns: "urn:example:nothing" }),
    );
    await expect(client.request(unknown)).rejects.toMatchObject({
      condition: "service-unavailable",
      type: "cancel",
    });
  });

  it("keeps a session through 2,000 IQs and a forced reconnect", async () => {
    const client = await server.client(await server.register());
    const ping = () =>
      client.request(
        xml("iq", { type: "get", to: "hub.localhost" }, xml("ping", { xmlns: "urn:xmpp:ping" })),
      );
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, ping));
      expect(answers.every((a) => a.attrs.type === "result")).toBe(true);
    }
    const online = new Promise<void>((resolve) => client.link.once("online", resolve));
    (client.xmpp.socket as unknown as { destroy(): void }).destroy();
    await online;
    const after = await ping();
    expect(after.attrs.type).toBe("result");
    expect(hub.child.exitCode).toBeNull();
  });
});
