/* SCRAM-SHA-1, the one state machine for every client (agent, CLI, bench, dashboard); its crypto
 * comes in as primitives: node:crypto (scram-node.ts) or WebCrypto (scram-webcrypto.ts).
 * References: RFC 5802 §3 (algorithm), §5.1 (attributes, saslname escaping, gs2 header with
 * authzid), §7 (message syntax), §9 (iteration count); RFC 6120 §6.
 * @xmpp/client's own mechanism runs PBKDF2 as 10 000 awaited WebCrypto HMACs (hundreds of ms per
 * login, seconds on a Pi), is left out of its browser build, and never checks the server's
 * signature; this one is one native PBKDF2 call and compares the signature in constant time. */
import { fromBase64, toBase64 } from "../exi/base64";

/** RFC 5802 §9: "the iteration count ... SHOULD be at least 4096". Lower counts are refused. */
export const MIN_SCRAM_ITERATIONS = 4096;

/** What differs between Node and the browser. Results may be immediate or promised. */
export interface ScramPrimitives {
  /** Hi(): PBKDF2 with HMAC-SHA-1, 20 bytes (RFC 5802 §2.2). */
  pbkdf2Sha1(password: Uint8Array, salt: Uint8Array, iterations: number): Uint8Array | Promise<Uint8Array>;
  hmacSha1(key: Uint8Array, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  sha1(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Equality of two byte strings in time that does not depend on where they differ. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  /** A fresh client nonce: printable ASCII without commas (base64 of random bytes). */
  nonce(): string;
}

export interface ScramCredentials {
  username?: string | null;
  password?: string | null;
  /** RFC 5802 §5.1 `a=`: the identity to act as, when not the authenticated one. */
  authzid?: string;
}

type Stage = "initial" | "challenge" | "final" | "done";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** RFC 5802 §5.1: "=" and "," in a saslname are escaped as =3D and =2C. */
function saslName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(",")) if (part[1] === "=") attrs.set(part.slice(0, 1), part.slice(2));
  return attrs;
}

/** The server-first-message's nonce, salt and iteration count, checked (RFC 5802 §5.1, §9). */
function readServerFirst(message: string, clientNonce: string) {
  const attrs = parseAttributes(message);
  if (attrs.has("e")) throw new Error(`SCRAM: server error ${attrs.get("e")}`);
  const nonce = attrs.get("r") ?? "";
  const salt = fromBase64(attrs.get("s") ?? "");
  const iterations = Number(attrs.get("i"));
  if (!nonce.startsWith(clientNonce) || nonce.length <= clientNonce.length) {
    throw new Error("SCRAM: server nonce does not extend the client nonce");
  }
  if (!Number.isInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS) {
    throw new Error(`SCRAM: iteration count ${attrs.get("i")} is below the minimum ${MIN_SCRAM_ITERATIONS}`);
  }
  if (salt === undefined || salt.length === 0) throw new Error("SCRAM: server sent no salt");
  return { nonce, salt, iterations };
}

/** A SASL mechanism in the shape the saslmechanisms factory used by @xmpp/sasl expects. */
export class ScramSha1 {
  readonly name = "SCRAM-SHA-1";
  readonly clientFirst = true;
  private stage: Stage = "initial";
  private clientNonce = "";
  private gs2Header = "";
  private clientFirstBare = "";
  private serverFirst = "";
  private expectedServerSignature: Uint8Array | null = null;

  constructor(private readonly crypto: ScramPrimitives) {}

  async response(cred: ScramCredentials): Promise<string> {
    if (this.stage === "initial") return this.clientFirstMessage(cred);
    if (this.stage === "challenge") return this.clientFinalMessage(cred);
    return "";
  }

  async challenge(message: string): Promise<this> {
    if (this.stage === "challenge") this.serverFirst = message;
    else if (this.stage === "final") this.verifyServerFinal(message);
    return this;
  }

  /** True once the server proved it knows the password (RFC 5802 §3, ServerSignature). */
  get verified(): boolean {
    return this.stage === "done";
  }

  /** RFC 5802 §5.1: success carries the server-final-message as additional data, checked here. */
  verifySuccess(additionalData: string): void {
    if (additionalData) this.verifyServerFinal(additionalData);
  }

  private clientFirstMessage(cred: ScramCredentials): string {
    this.clientNonce = this.crypto.nonce();
    this.gs2Header = `n,${cred.authzid ? `a=${saslName(cred.authzid)}` : ""},`;
    this.clientFirstBare = `n=${saslName(cred.username ?? "")},r=${this.clientNonce}`;
    this.stage = "challenge";
    return this.gs2Header + this.clientFirstBare;
  }

  private async clientFinalMessage(cred: ScramCredentials): Promise<string> {
    const { nonce, salt, iterations } = readServerFirst(this.serverFirst, this.clientNonce);
    const { pbkdf2Sha1, hmacSha1, sha1 } = this.crypto;
    const salted = await pbkdf2Sha1(utf8((cred.password ?? "").normalize("NFKC")), salt, iterations);
    const clientKey = await hmacSha1(salted, utf8("Client Key"));
    const storedKey = await sha1(clientKey);
    const withoutProof = `c=${toBase64(utf8(this.gs2Header))},r=${nonce}`;
    const authMessage = utf8(`${this.clientFirstBare},${this.serverFirst},${withoutProof}`);
    const signature = await hmacSha1(storedKey, authMessage);
    const proof = clientKey.map((byte, i) => byte ^ (signature[i] as number));
    this.expectedServerSignature = await hmacSha1(await hmacSha1(salted, utf8("Server Key")), authMessage);
    this.stage = "final";
    return `${withoutProof},p=${toBase64(proof)}`;
  }

  private verifyServerFinal(message: string): void {
    const attrs = parseAttributes(message);
    if (attrs.has("e")) throw new Error(`SCRAM: server error ${attrs.get("e")}`);
    const got = fromBase64(attrs.get("v") ?? "");
    const want = this.expectedServerSignature;
    if (want === null || got?.length !== want.length || !this.crypto.timingSafeEqual(got, want)) {
      throw new Error("SCRAM: the server's signature does not match: the server does not know the password");
    }
    this.stage = "done";
  }
}
