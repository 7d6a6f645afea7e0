/* The outbox's fsync policy, as configured: `always` | `interval:<ms>` | `never`. */

export type FsyncPolicy = { kind: "always" } | { kind: "never" } | { kind: "interval"; ms: number };

/** Parses a configured policy; a bad value gives an error message naming what is accepted. */
export function parseFsyncPolicy(text: string): FsyncPolicy | { error: string } {
  if (text === "always") return { kind: "always" };
  if (text === "never") return { kind: "never" };
  const m = /^interval:([1-9][0-9]{0,8})$/.exec(text);
  if (m) return { kind: "interval", ms: Number(m[1]) };
  return { error: `bad fsync policy ${JSON.stringify(text)}: expected always, never or interval:<ms>` };
}
