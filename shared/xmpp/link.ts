/* Keeps one XMPP entity (client or component) connected: jittered exponential backoff between
 * attempts, reset only after a stable period online; one log line per failed attempt with its
 * reason; stop() leaves no timer, socket or stray reconnect behind (docs/design.md §4: the library's own
 * reconnect retries every second forever and keeps going after stop()). Runs in Node (TCP) and
 * in the browser bundle (WebSocket): no node: imports.
 * `online` is the link's own state, not the entity's last status: it ends at the first stream
 * error (ours from harden.ts, or the peer's) or when the entity leaves `online`, and a stream
 * that is closing but not closed within `closeTimeoutMs` is torn down, so it reconnects.
 * A refused login (refusalOf) before the link was ever online ends it: no retry, start() rejects
 * with an AuthError; once it has been online, a refusal drops the stream at once and is retried.
 * References: RFC 6120 §3.3 (reconnection: wait a random delay, back off), §6.5 (SASL errors),
 * RFC 7395 §3.3, XEP-0114 §3 (a refused handshake is a not-authorized stream error). */
import type { Logger } from "../log";
import { Backoff, type BackoffOptions } from "./backoff";
import { TypedEmitter } from "./emitter";

/** The parts of an @xmpp entity the link drives. */
export interface LinkEntity {
  status: string;
  options: { service?: string; domain?: string; lang?: string };
  connect(service: string): Promise<unknown>;
  open(options: { domain?: string; lang?: string }): Promise<unknown>;
  disconnect(): Promise<unknown>;
  stop(): Promise<unknown>;
  /** A TCP/TLS socket (destroy) or @xmpp/websocket's wrapper (end). */
  socket: { destroy?(): void; end?(): void } | null;
  // biome-ignore lint/suspicious/noExplicitAny: the libraries' emitters take any listener shape.
  on(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

export interface LinkOptions {
  entity: LinkEntity;
  log: Pick<Logger, "info" | "warn">;
  /** What is connecting, for log lines ("component hub.localhost", "client kitchen-1@localhost"). */
  label: string;
  backoff?: BackoffOptions;
  /** Online this long resets the backoff (default 30 s). */
  stableMs?: number;
  /** An attempt that is not online after this long is abandoned (default 20 s). */
  attemptTimeoutMs?: number;
  /** A stream that left `online` and is not disconnected after this long is dropped (default 5 s). */
  closeTimeoutMs?: number;
  /** Explains an error for people (e.g. "wrong component secret: check xmpp.password"). */
  explain?: (error: Error) => string | undefined;
  /** Who logs in, as an AuthError names it (default: the label). */
  account?: string;
}

/** The server refused the login (wrong password, no such account, wrong component secret):
 * retrying with the same credentials cannot help. */
export class AuthError extends Error {
  override readonly name = "AuthError";
  constructor(
    readonly account: string,
    readonly condition: string,
    message = `the server refused the login of ${account} (${condition})`,
  ) {
    super(message);
  }
}

/** RFC 6120 §6.5: failures that the same credentials will meet again (§6.5.13
 * temporary-auth-failure is not one of them). */
const SASL_REFUSALS = new Set(["not-authorized", "account-disabled", "credentials-expired"]);

/** The condition of an error that refuses the login, or undefined for any other error. */
export function refusalOf(error: Error): string | undefined {
  const condition = (error as Error & { condition?: string }).condition;
  if (condition === undefined) return undefined;
  if (error.name === "SASLError" && SASL_REFUSALS.has(condition)) return condition;
  // XEP-0114 §3: a failed handshake; RFC 6120 §4.9.3.12 for a client: not authenticated.
  if (error.name === "StreamError" && condition === "not-authorized") return condition;
  return undefined;
}

export interface LinkEvents {
  /** An attempt begins (the first one and each retry). */
  connecting: [{ attempt: number }];
  online: [];
  offline: [];
  retry: [{ attempt: number; delayMs: number; reason: string }];
  /** The link ended for good, before it was ever online: the login was refused. */
  failed: [AuthError];
}

type Timer = ReturnType<typeof setTimeout>;

export class Link extends TypedEmitter<LinkEvents> {
  private readonly backoff: Backoff;
  private timer: Timer | null = null;
  private stableTimer: Timer | null = null;
  private attemptTimer: Timer | null = null;
  private closeTimer: Timer | null = null;
  private stopped = true;
  private lastError: Error | null = null;
  private wasOnline = false;
  private everOnline = false;
  /** Why the link ended for good, if it did (start() rejects with it). */
  private refusal: AuthError | null = null;
  /** The stream failed since it was last online (the entity's status may not say so yet). */
  private broken = false;

  constructor(private readonly options: LinkOptions) {
    super();
    this.backoff = new Backoff(options.backoff);
  }

  /** True from the entity's `online` until its stream fails or closes: what /healthz reports. */
  get online(): boolean {
    return !this.broken && this.options.entity.status === "online";
  }

  /** Starts connecting; resolves at the first time online. Retries until then, or until stop(). */
  start(): Promise<void> {
    const { entity } = this.options;
    this.stopped = false;
    this.refusal = null;
    entity.on("error", this.onError);
    entity.on("online", this.onOnline);
    entity.on("disconnect", this.onDisconnect);
    entity.on("status", this.onStatus);
    const firstOnline = new Promise<void>((resolve, reject) => {
      const onOnline = () => {
        this.off("offline", onStopped);
        resolve();
      };
      const onStopped = () => {
        if (!this.stopped) return;
        this.off("online", onOnline);
        reject(this.refusal ?? new Error(`${this.options.label}: stopped before it was online`));
      };
      this.once("online", onOnline);
      this.on("offline", onStopped);
    });
    void this.attempt();
    return firstOnline;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    const { entity } = this.options;
    try {
      if (entity.status !== "offline" && entity.status !== "disconnect") await entity.stop();
    } catch {
      // The peer may already be gone; tearing the socket down below is all that is left to do.
    }
    this.drop();
    entity.removeListener("error", this.onError);
    entity.removeListener("online", this.onOnline);
    entity.removeListener("disconnect", this.onDisconnect);
    entity.removeListener("status", this.onStatus);
    this.emit("offline");
  }

  /** Tears the socket down at once (e.g. a ping went unanswered); the link then reconnects. */
  drop(): void {
    const socket = this.options.entity.socket;
    if (socket?.destroy) {
      socket.destroy();
      return;
    }
    try {
      socket?.end?.();
    } catch {
      // Why ignored: @xmpp/websocket's end() throws when its WebSocket is already closed: nothing to drop.
    }
  }

  private async attempt(): Promise<void> {
    const { entity } = this.options;
    this.timer = null;
    this.lastError = null;
    this.emit("connecting", { attempt: this.backoff.attempts + 1 });
    this.attemptTimer = setTimeout(() => {
      this.lastError = new Error("timed out before the session was online");
      this.drop();
    }, this.options.attemptTimeoutMs ?? 20_000);
    try {
      const { service, domain, lang } = entity.options;
      await entity.connect(service ?? "");
      await entity.open({ domain, lang });
    } catch (error) {
      this.lastError ??= error as Error;
      // A half-open socket (stream never opened) would never emit 'disconnect': close it.
      if (entity.status !== "disconnect" && entity.status !== "offline") this.drop();
    }
  }

  private readonly onError = (error: Error) => {
    this.lastError ??= error;
    const refused = refusalOf(error);
    if (refused !== undefined) {
      this.refused(error, refused);
      return;
    }
    // RFC 6120 §4.9.1.1: a stream error ends the stream, whoever sent it.
    if (error.name === "StreamError") this.lost();
  };

  /** Never online yet: the credentials are wrong, so stop. Online before: the server's accounts
   * changed under a running session; drop the stream now (the server keeps it open for another
   * try, RFC 6120 §6.4.5) and retry with backoff. */
  private refused(error: Error, condition: string): void {
    if (this.stopped) return;
    if (this.everOnline) {
      this.lost();
      this.drop();
      return;
    }
    const { label, account = label } = this.options;
    // Not logged here: whoever started the link reports the rejection, once.
    this.refusal = new AuthError(account, condition, this.options.explain?.(error));
    this.emit("failed", this.refusal);
    void this.stop();
  }

  private readonly onStatus = (status: string) => {
    if (status !== "online") this.lost();
  };

  /** The stream is no longer usable: offline now, and disconnected soon, by force if need be. */
  private lost(): void {
    if (this.stopped || !this.wasOnline) return;
    this.wasOnline = false;
    this.broken = true;
    this.emit("offline");
    this.closeTimer ??= setTimeout(() => {
      this.lastError ??= new Error("the stream did not close");
      this.drop();
    }, this.options.closeTimeoutMs ?? 5_000);
  }

  private readonly onOnline = () => {
    if (this.attemptTimer) clearTimeout(this.attemptTimer);
    this.attemptTimer = null;
    this.wasOnline = true;
    this.everOnline = true;
    this.broken = false;
    this.options.log.info(`${this.options.label}: online`);
    this.stableTimer = setTimeout(() => this.backoff.reset(), this.options.stableMs ?? 30_000);
    this.emit("online");
  };

  private readonly onDisconnect = () => {
    if (this.stopped || this.timer) return;
    this.clearTimers();
    if (this.wasOnline) {
      this.wasOnline = false;
      this.emit("offline");
    }
    const delayMs = this.backoff.next();
    const reason = this.describe(this.lastError);
    this.options.log.warn(
      { attempt: this.backoff.attempts, delayMs },
      `${this.options.label}: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s`,
    );
    this.emit("retry", { attempt: this.backoff.attempts, delayMs, reason });
    this.timer = setTimeout(() => void this.attempt(), delayMs);
  };

  private describe(error: Error | null): string {
    if (error === null) return "connection lost";
    const explained = this.options.explain?.(error);
    if (explained) return explained;
    const condition = (error as Error & { condition?: string }).condition;
    return condition ? `${condition}${error.message ? ` (${error.message})` : ""}` : error.message;
  }

  private clearTimers(): void {
    for (const timer of [this.timer, this.stableTimer, this.attemptTimer, this.closeTimer]) {
      if (timer) clearTimeout(timer);
    }
    this.timer = this.stableTimer = this.attemptTimer = this.closeTimer = null;
  }
}
