/* SCRAM-SHA-1 for the browser, on WebCrypto (PBKDF2 in one native call).
 * References: RFC 5802 §3 (algorithm), §5 (messages), §9 (iteration count); RFC 6120 §6.
 * The browser build of @xmpp/client leaves SCRAM out (it would fall back to PLAIN); this
 * mechanism keeps the password off the wire, and checks the server's signature. */
import { fromBase64, toBase64 } from "../../shared/exi/base64";

export const MIN_SCRAM_ITERATIONS = 4096;

interface Credentials {
  username?: string | null;
  password?: string | null;
}

type Stage = "initial" | "challenge" | "final" | "done";

const utf8 = (s: string) => new TextEncoder().encode(s);
/** A copy backed by a plain ArrayBuffer, as WebCrypto's types ask. */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);
const saslName = (name: string) => name.replace(/=/g, "=3D").replace(/,/g, "=2C");

function attributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(",")) if (part[1] === "=") attrs.set(part[0]!, part.slice(2));
  return attrs;
}

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", own(key), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, own(data)));
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", own(utf8(password.normalize("NFKC"))), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", salt: own(salt), iterations, hash: "SHA-1" },
    key,
    160,
  );
  return new Uint8Array(bits);
}

function randomNonce(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(18)));
}

/** A SASL mechanism in the shape the saslmechanisms factory of @xmpp/sasl expects. */
export class WebCryptoScramSha1 {
  readonly name = "SCRAM-SHA-1";
  readonly clientFirst = true;
  private stage: Stage = "initial";
  private nonce = "";
  private firstBare = "";
  private serverFirst = "";
  private serverSignature: string | undefined;

  constructor(private readonly makeNonce: () => string = randomNonce) {}

  async response(cred: Credentials): Promise<string> {
    if (this.stage === "initial") {
      this.nonce = this.makeNonce();
      this.firstBare = `n=${saslName(cred.username ?? "")},r=${this.nonce}`;
      this.stage = "challenge";
      return `n,,${this.firstBare}`;
    }
    if (this.stage === "challenge") return this.final(cred.password ?? "");
    return "";
  }

  async challenge(message: string): Promise<this> {
    if (this.stage === "challenge") this.serverFirst = message;
    else if (this.stage === "final") this.verify(message);
    return this;
  }

  get verified(): boolean {
    return this.stage === "done";
  }

  /** RFC 5802 §5.1: the success element may carry the server's final message. */
  verifySuccess(additionalData: string): void {
    if (additionalData) this.verify(additionalData);
  }

  private async final(password: string): Promise<string> {
    const attrs = attributes(this.serverFirst);
    if (attrs.has("e")) throw new Error(`SCRAM: server error ${attrs.get("e")}`);
    const nonce = attrs.get("r") ?? "";
    const salt = fromBase64(attrs.get("s") ?? "");
    const iterations = Number(attrs.get("i"));
    if (!nonce.startsWith(this.nonce) || nonce.length <= this.nonce.length)
      throw new Error("SCRAM: server nonce does not extend the client nonce");
    if (!Number.isInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS)
      throw new Error(`SCRAM: iteration count ${attrs.get("i")} is below ${MIN_SCRAM_ITERATIONS}`);
    if (!salt || salt.length === 0) throw new Error("SCRAM: server sent no salt");
    const salted = await pbkdf2(password, salt, iterations);
    const clientKey = await hmac(salted, utf8("Client Key"));
    const storedKey = new Uint8Array(await crypto.subtle.digest("SHA-1", own(clientKey)));
    const withoutProof = `c=biws,r=${nonce}`; // biws = base64("n,,")
    const authMessage = utf8(`${this.firstBare},${this.serverFirst},${withoutProof}`);
    const signature = await hmac(storedKey, authMessage);
    const proof = clientKey.map((byte, i) => byte ^ signature[i]!);
    this.serverSignature = toBase64(await hmac(await hmac(salted, utf8("Server Key")), authMessage));
    this.stage = "final";
    return `${withoutProof},p=${toBase64(proof)}`;
  }

  private verify(message: string): void {
    const attrs = attributes(message);
    if (attrs.has("e")) throw new Error(`SCRAM: server error ${attrs.get("e")}`);
    if (this.serverSignature === undefined || attrs.get("v") !== this.serverSignature)
      throw new Error("SCRAM: the server's signature does not match: the server does not know the password");
    this.stage = "done";
  }
}
