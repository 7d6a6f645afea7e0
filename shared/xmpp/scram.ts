/* SCRAM-SHA-1 with Node's native PBKDF2.
 * References: RFC 5802 §3 (algorithm), §5 (messages), §9 (iteration count); RFC 6120 §6.
 * @xmpp/client's mechanism runs PBKDF2 as 10 000 awaited WebCrypto HMACs (hundreds of ms per
 * login, seconds on a Pi) and never checks the server's signature; this one does both. */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/** RFC 5802 §9: "the iteration count ... SHOULD be at least 4096". Lower counts are refused. */
export const MIN_SCRAM_ITERATIONS = 4096;

interface Credentials {
  username?: string | null;
  password?: string | null;
  authzid?: string;
}

type Stage = "initial" | "challenge" | "final" | "done";

function saslName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq === 1) attrs.set(part.slice(0, 1), part.slice(2));
  }
  return attrs;
}

const hmac = (key: Buffer, data: string | Buffer) => createHmac("sha1", key).update(data).digest();

/** A SASL mechanism in the shape the saslmechanisms factory used by @xmpp/sasl expects. */
export class NativeScramSha1 {
  readonly name = "SCRAM-SHA-1";
  readonly clientFirst = true;
  private stage: Stage = "initial";
  private clientNonce = "";
  private gs2Header = "";
  private clientFirstBare = "";
  private serverFirst = "";
  private expectedServerSignature: Buffer | null = null;

  constructor(private readonly makeNonce: () => string = () => randomBytes(18).toString("base64")) {}

  response(cred: Credentials): string {
    switch (this.stage) {
      case "initial":
        return this.clientFirstMessage(cred);
      case "challenge":
        return this.clientFinalMessage(cred);
      default:
        return "";
    }
  }

  challenge(message: string): this {
    if (this.stage === "challenge") this.serverFirst = message;
    else if (this.stage === "final") this.verifyServerFinal(message);
    return this;
  }

  /** True once the server proved it knows the password (RFC 5802 §3, ServerSignature). */
  get verified(): boolean {
    return this.stage === "done";
  }

  private clientFirstMessage(cred: Credentials): string {
    this.clientNonce = this.makeNonce();
    this.gs2Header = `n,${cred.authzid ? `a=${saslName(cred.authzid)}` : ""},`;
    this.clientFirstBare = `n=${saslName(cred.username ?? "")},r=${this.clientNonce}`;
    this.stage = "challenge";
    return this.gs2Header + this.clientFirstBare;
  }

  private clientFinalMessage(cred: Credentials): string {
    const attrs = parseAttributes(this.serverFirst);
    const nonce = attrs.get("r") ?? "";
    const salt = Buffer.from(attrs.get("s") ?? "", "base64");
    const iterations = Number(attrs.get("i"));
    if (attrs.has("e")) throw new Error(`SCRAM: server error ${attrs.get("e")}`);
    if (!nonce.startsWith(this.clientNonce) || nonce.length <= this.clientNonce.length) {
      throw new Error("SCRAM: server nonce does not extend the client nonce");
    }
    if (!Number.isInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS) {
      throw new Error(
        `SCRAM: iteration count ${attrs.get("i")} is below the minimum ${MIN_SCRAM_ITERATIONS}`,
      );
    }
    if (salt.length === 0) throw new Error("SCRAM: server sent no salt");
    const salted = pbkdf2Sync((cred.password ?? "").normalize("NFKC"), salt, iterations, 20, "sha1");
    const clientKey = hmac(salted, "Client Key");
    const storedKey = createHash("sha1").update(clientKey).digest();
    const withoutProof = `c=${Buffer.from(this.gs2Header).toString("base64")},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ (signature[i] as number)));
    this.expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
    this.stage = "final";
    return `${withoutProof},p=${proof.toString("base64")}`;
  }

  private verifyServerFinal(message: string): void {
    const attrs = parseAttributes(message);
    if (attrs.has("e")) throw new Error(`SCRAM: server error ${attrs.get("e")}`);
    const got = Buffer.from(attrs.get("v") ?? "", "base64");
    const want = this.expectedServerSignature;
    if (want === null || got.length !== want.length || !timingSafeEqual(got, want)) {
      throw new Error("SCRAM: the server's signature does not match: the server does not know the password");
    }
    this.stage = "done";
  }

  /** RFC 5802 §5.1: success carries the server signature as additional data, checked here. */
  verifySuccess(additionalData: string): void {
    if (additionalData) this.verifyServerFinal(additionalData);
  }
}
