import { describe, expect, it } from "vitest";
import { type ScramPrimitives, ScramSha1 } from "../../../../shared/xmpp/scram";
import { nodeScram } from "../../../../shared/xmpp/scram-node";
import { webCryptoScram } from "../../../../shared/xmpp/scram-webcrypto";

// RFC 5802 §5: the example exchange for user "user", password "pencil".
const CLIENT_NONCE = "fyko+d2lbbFgONRv9qkxdawL";
const SERVER_FIRST = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const CLIENT_FINAL = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const SERVER_FINAL = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
const cred = { username: "user", password: "pencil" };

/** The same state machine on each build's primitives (Node 20 has globalThis.crypto.subtle). */
describe.each([
  ["node:crypto", nodeScram],
  ["WebCrypto", webCryptoScram],
] as [string, ScramPrimitives][])("SCRAM-SHA-1 on %s", (_, primitives) => {
  const mechanism = (nonce = CLIENT_NONCE) => new ScramSha1({ ...primitives, nonce: () => nonce });

  /** A mechanism that sent its client-final message of the RFC 5802 example. */
  async function afterClientFinal(): Promise<ScramSha1> {
    const mech = mechanism();
    await mech.response(cred);
    await mech.challenge(SERVER_FIRST);
    await mech.response(cred);
    return mech;
  }

  it("produces RFC 5802's example messages and accepts the server's signature", async () => {
    const mech = mechanism();
    expect(await mech.response(cred)).toBe(`n,,n=user,r=${CLIENT_NONCE}`);
    await mech.challenge(SERVER_FIRST);
    expect(await mech.response(cred)).toBe(CLIENT_FINAL);
    expect(mech.verified).toBe(false);
    mech.verifySuccess(SERVER_FINAL);
    expect(mech.verified).toBe(true);
  });

  it("accepts the server's signature as a challenge too (server-final-message before success)", async () => {
    const mech = await afterClientFinal();
    await mech.challenge(SERVER_FINAL);
    expect(mech.verified).toBe(true);
  });

  it("refuses a forged server signature: the server does not know the password", async () => {
    const mech = await afterClientFinal();
    expect(() => mech.verifySuccess("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")).toThrow(/does not know the password/);
    expect(mech.verified).toBe(false);
  });

  it("refuses a forged signature that differs in the last byte only, one of another length, and none", async () => {
    const lastByte = await afterClientFinal();
    expect(() => lastByte.verifySuccess("v=rmF9pqV8S7suAoZWja4dJRkFsKU=")).toThrow(
      /does not know the password/,
    );
    const short = await afterClientFinal();
    expect(() => short.verifySuccess("v=rmF9pqV8S7suAoZWja4dJRkF")).toThrow(/does not know the password/);
    const none = await afterClientFinal();
    await expect(none.challenge("x=nothing")).rejects.toThrow(/does not know the password/);
    for (const mech of [lastByte, short, none]) expect(mech.verified).toBe(false);
  });

  it("refuses a server error in the final message", async () => {
    const mech = await afterClientFinal();
    expect(() => mech.verifySuccess("e=invalid-proof")).toThrow(/server error invalid-proof/);
  });

  it("refuses an iteration count below 4096", async () => {
    const mech = mechanism();
    await mech.response(cred);
    await mech.challenge(SERVER_FIRST.replace("i=4096", "i=4095"));
    await expect(mech.response(cred)).rejects.toThrow(/iteration count 4095 is below the minimum 4096/);
  });

  it("refuses a server nonce that does not extend the client's", async () => {
    const mech = mechanism();
    await mech.response(cred);
    await mech.challenge("r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096");
    await expect(mech.response(cred)).rejects.toThrow(/nonce/);
  });

  it("escapes = and , in the username (RFC 5802 §5.1)", async () => {
    expect(await mechanism("n").response({ username: "a=b,c", password: "x" })).toBe("n,,n=a=3Db=2Cc,r=n");
  });

  it("sends an authzid in the gs2 header and binds it into the channel binding (RFC 5802 §5.1)", async () => {
    const mech = mechanism();
    const authzid = { ...cred, authzid: "admin=1,x" };
    expect(await mech.response(authzid)).toBe(`n,a=admin=3D1=2Cx,n=user,r=${CLIENT_NONCE}`);
    await mech.challenge(SERVER_FIRST);
    // c= carries base64("n,a=admin=3D1=2Cx,"), so the proof differs from the example's.
    const final = await mech.response(authzid);
    expect(final.startsWith(`c=${btoa("n,a=admin=3D1=2Cx,")},r=`)).toBe(true);
    expect(final).not.toContain("p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  });

  it("makes a fresh nonce of 18 random bytes for each login", () => {
    const a = primitives.nonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(primitives.nonce()).not.toBe(a);
  });
});
