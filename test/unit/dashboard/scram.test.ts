import { describe, expect, it } from "vitest";
import { WebCryptoScramSha1 } from "../../../dashboard/xmpp/scram";

// RFC 5802 §5: the example exchange for user "user", password "pencil".
const CLIENT_NONCE = "fyko+d2lbbFgONRv9qkxdawL";
const SERVER_FIRST = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const CLIENT_FINAL = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const SERVER_FINAL = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
const cred = { username: "user", password: "pencil" };

describe("browser SCRAM-SHA-1", () => {
  it("reproduces the RFC 5802 exchange and checks the server's signature", async () => {
    const mech = new WebCryptoScramSha1(() => CLIENT_NONCE);
    expect(await mech.response(cred)).toBe(`n,,n=user,r=${CLIENT_NONCE}`);
    await mech.challenge(SERVER_FIRST);
    expect(await mech.response(cred)).toBe(CLIENT_FINAL);
    expect(mech.verified).toBe(false);
    mech.verifySuccess(SERVER_FINAL);
    expect(mech.verified).toBe(true);
  });

  it("refuses a server that does not know the password, a low iteration count and a foreign nonce", async () => {
    const forged = new WebCryptoScramSha1(() => CLIENT_NONCE);
    await forged.response(cred);
    await forged.challenge(SERVER_FIRST);
    await forged.response(cred);
    expect(() => forged.verifySuccess("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")).toThrow(/signature/);

    const weak = new WebCryptoScramSha1(() => CLIENT_NONCE);
    await weak.response(cred);
    await weak.challenge(SERVER_FIRST.replace("i=4096", "i=1000"));
    await expect(weak.response(cred)).rejects.toThrow(/iteration count/);

    const foreign = new WebCryptoScramSha1(() => CLIENT_NONCE);
    await foreign.response(cred);
    await foreign.challenge("r=somethingelse,s=QSXCR+Q6sek8bf92,i=4096");
    await expect(foreign.response(cred)).rejects.toThrow(/nonce/);
  });
});
