import type { Client } from "@xmpp/client";
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it, vi } from "vitest";
import { NS_SASL } from "../../../../shared/xmpp/ns";
import { chooseMechanism, useScram } from "../../../../shared/xmpp/sasl";
import { type ScramPrimitives, ScramSha1 } from "../../../../shared/xmpp/scram";
import { nodeScram } from "../../../../shared/xmpp/scram-node";
import { webCryptoScram } from "../../../../shared/xmpp/scram-webcrypto";

// RFC 5802 §5's example exchange (user "user", password "pencil").
const CLIENT_NONCE = "fyko+d2lbbFgONRv9qkxdawL";
const SERVER_FIRST = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const SERVER_FINAL = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
const FORGED_FINAL = "v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const cred = { username: "user", password: "pencil" };

/** The parts of an @xmpp/client that useScram touches. */
function fakeClient() {
  const nonzaListeners: ((element: Element) => void)[] = [];
  class LibraryScram {}
  class Plain {}
  const fake = {
    saslFactory: {
      _mechs: [
        { name: "SCRAM-SHA-1", mech: LibraryScram as new () => unknown },
        { name: "PLAIN", mech: Plain },
      ],
    },
    on: (event: string, listener: (element: Element) => void) => {
      if (event === "nonza") nonzaListeners.push(listener);
    },
    emit: vi.fn(),
    disconnect: vi.fn(async () => undefined),
    nonza: (element: Element) => {
      for (const listener of nonzaListeners) listener(element);
    },
  };
  return { fake, xmpp: fake as unknown as Client, LibraryScram, Plain };
}

describe("chooseMechanism", () => {
  it("takes SCRAM-SHA-1 wherever it is offered", () => {
    expect(chooseMechanism(["PLAIN", "SCRAM-SHA-1"], false)).toBe("SCRAM-SHA-1");
  });

  it("takes another offered mechanism only inside TLS, never PLAIN in the clear (RFC 6120 §13.8)", () => {
    expect(chooseMechanism(["PLAIN"], true)).toBe("PLAIN");
    expect(() => chooseMechanism(["PLAIN"], false)).toThrow(
      "no acceptable SASL mechanism offered (offered: PLAIN)",
    );
  });

  it("refuses a server without SCRAM-SHA-1 when only SCRAM will do (the dashboard)", () => {
    expect(() => chooseMechanism(["PLAIN"], true, true)).toThrow(
      "the server offers no SCRAM-SHA-1 (offered: PLAIN)",
    );
  });
});

describe.each([
  ["node:crypto", nodeScram],
  ["WebCrypto", webCryptoScram],
] as [string, ScramPrimitives][])("useScram on %s", (_, primitives) => {
  /** Runs the example exchange through the mechanism the factory now creates, then <success/>. */
  async function login(serverFinal: string) {
    const client = fakeClient();
    useScram(client.xmpp, { ...primitives, nonce: () => CLIENT_NONCE });
    const [first, second] = client.fake.saslFactory._mechs;
    expect(first?.name).toBe("SCRAM-SHA-1");
    expect(first?.mech).not.toBe(client.LibraryScram);
    expect(second?.mech).toBe(client.Plain);
    if (!first) throw new Error("no mechanism registered");
    const mech = new first.mech() as ScramSha1;
    expect(mech).toBeInstanceOf(ScramSha1);
    await mech.response(cred);
    await mech.challenge(SERVER_FIRST);
    await mech.response(cred);
    client.fake.nonza(xml("success", { xmlns: NS_SASL }, btoa(serverFinal)));
    return { ...client, mech };
  }

  it("puts our SCRAM-SHA-1 first and accepts the server's true signature in <success/>", async () => {
    const { fake, mech } = await login(SERVER_FINAL);
    expect(mech.verified).toBe(true);
    expect(fake.emit).not.toHaveBeenCalled();
    expect(fake.disconnect).not.toHaveBeenCalled();
  });

  it("refuses a forged server signature in <success/>: an error, and the connection ends", async () => {
    const { fake, mech } = await login(FORGED_FINAL);
    expect(mech.verified).toBe(false);
    expect(fake.emit).toHaveBeenCalledWith(
      "error",
      expect.objectContaining({ message: expect.stringMatching(/does not know the password/) }),
    );
    expect(fake.disconnect).toHaveBeenCalledOnce();
  });
});
