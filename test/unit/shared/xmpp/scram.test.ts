import { describe, expect, it } from "vitest";
import { NativeScramSha1 } from "../../../../shared/xmpp/scram";

// RFC 5802 §5: the example exchange.
const CLIENT_NONCE = "fyko+d2lbbFgONRv9qkxdawL";
const SERVER_FIRST = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const CLIENT_FINAL = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const SERVER_FINAL = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
const cred = { username: "user", password: "pencil" };

describe("native SCRAM-SHA-1", () => {
  it("produces RFC 5802's example messages and accepts the server's signature", () => {
    const mech = new NativeScramSha1(() => CLIENT_NONCE);
    expect(mech.response(cred)).toBe(`n,,n=user,r=${CLIENT_NONCE}`);
    mech.challenge(SERVER_FIRST);
    expect(mech.response(cred)).toBe(CLIENT_FINAL);
    mech.verifySuccess(SERVER_FINAL);
    expect(mech.verified).toBe(true);
  });

  it("rejects a server signature that does not match", () => {
    const mech = new NativeScramSha1(() => CLIENT_NONCE);
    mech.response(cred);
    mech.challenge(SERVER_FIRST);
    mech.response(cred);
    expect(() => mech.verifySuccess("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")).toThrow(/does not know the password/);
    expect(mech.verified).toBe(false);
  });

  it("refuses an iteration count below 4096", () => {
    const mech = new NativeScramSha1(() => CLIENT_NONCE);
    mech.response(cred);
    mech.challenge(SERVER_FIRST.replace("i=4096", "i=4095"));
    expect(() => mech.response(cred)).toThrow(/iteration count 4095 is below the minimum 4096/);
  });

  it("refuses a server nonce that does not extend the client's", () => {
    const mech = new NativeScramSha1(() => CLIENT_NONCE);
    mech.response(cred);
    mech.challenge("r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096");
    expect(() => mech.response(cred)).toThrow(/nonce/);
  });

  it("escapes = and , in the username (RFC 5802 §5.1)", () => {
    const mech = new NativeScramSha1(() => "n");
    expect(mech.response({ username: "a=b,c", password: "x" })).toBe("n,,n=a=3Db=2Cc,r=n");
  });
});
