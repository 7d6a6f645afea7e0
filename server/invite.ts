/* Invitations to the embedded server (XEP-0401): an account invitation made by Prosody's
 * mod_invites through prosodyctl, on the server's own configuration and data folder, so that the
 * first person of a `--public` server (where in-band registration takes invitations only) needs no
 * account to invite anyone. The link (`xmpp:<domain>?register;preauth=<token>`, XEP-0401 §4) is
 * what Conversations, Dino, Gajim and profanity take to register; it expires after
 * `--invite-expiry` (mod_invites' invite_expiry).
 * References: XEP-0401 §4 (the URI), §5 (preauth before registration), Prosody 0.12 mod_invites
 * (`prosodyctl mod_invites generate DOMAIN [--admin]`). */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export class InviteError extends Error {}

export interface InviteOptions {
  /** The server's data folder (`xiot server --dir`). */
  dir: string;
  /** The new account is a server administrator (Prosody's `--admin`). */
  admin?: boolean;
  /** The prosody binary; prosodyctl is beside it. Default: prosodyctl on PATH. */
  prosody?: string;
}

/** Makes one account invitation; returns its link. */
export function createInvite({ dir, admin = false, prosody }: InviteOptions): string {
  const configFile = join(dir, "prosody.cfg.lua");
  const serverJson = join(dir, "server.json");
  if (!existsSync(configFile) || !existsSync(serverJson))
    throw new InviteError(`no server in ${dir}: start one with xiot server --dir ${dir} (or npm start)`);
  const domain = (JSON.parse(readFileSync(serverJson, "utf8")) as { domain?: unknown }).domain;
  if (typeof domain !== "string") throw new InviteError(`${serverJson} names no domain`);
  const prosodyctl = prosody ? join(dirname(prosody), "prosodyctl") : "prosodyctl";
  const args = ["--config", configFile, "mod_invites", "generate", domain, ...(admin ? ["--admin"] : [])];
  const run = spawnSync(prosodyctl, args, { encoding: "utf8", timeout: 30_000 });
  if (run.error) throw new InviteError(`could not run ${prosodyctl}: ${run.error.message}`);
  const link = run.stdout
    .split("\n")
    .map((l) => l.trim())
    .reverse()
    .find((l) => /^(xmpp:|https?:\/\/)/.test(l));
  if (run.status !== 0 || link === undefined) {
    const said = `${run.stderr}\n${run.stdout}`.trim().split("\n").at(-1) ?? "";
    throw new InviteError(`prosodyctl made no invitation (exit ${run.status}${said ? `: ${said}` : ""})`);
  }
  return link;
}
