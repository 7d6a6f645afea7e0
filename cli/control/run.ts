/* Runs the hub's "Control a device" and "Device status" ad-hoc commands for the CLI and turns
 * their answers into text and an exit code.
 * References: XEP-0050 §3.3 (execute, submit, completed with notes), hub/control/adhoc.ts. */
import { type CommandOutcome, type IqRequest, runCommand } from "../../shared/xmpp/adhoc";
import { CMD_CONTROL, CMD_STATUS } from "../../shared/xmpp/ns";

export interface CliOutcome {
  ok: boolean;
  /** The hub's words (a note), or the value read. */
  text: string;
  /** done, refused, offline, expired, timeout, failed (set); ok or refused (get). */
  outcome: string;
  /** The result form's fields; `reason` names a refusal the device gave (`clock-unknown`,
   * `issued-in-future`, `stale-seq`; hub/control/refusals.ts). */
  fields: Record<string, string>;
}

const TIMEOUT_MS = 30_000;

function summarise(r: CommandOutcome, fallback: string): CliOutcome {
  const fields = Object.fromEntries(
    [...(r.form?.fields ?? new Map()).entries()].map(([k, v]) => [k, v.join(" ")]),
  );
  const error = r.notes.find((n) => n.type === "error");
  const text = (error ?? r.notes[0])?.text ?? fallback;
  const ok = r.status === "completed" && !error;
  return { ok, text, outcome: fields.outcome ?? (ok ? "ok" : "refused"), fields };
}

export async function controlDevice(
  request: IqRequest,
  hub: string,
  args: { device: string; channel: string; value: string },
): Promise<CliOutcome> {
  const r = await runCommand(request, { to: hub, node: CMD_CONTROL, fields: args, timeoutMs: TIMEOUT_MS });
  return summarise(r, "the hub gave no outcome");
}

export async function readDevice(
  request: IqRequest,
  hub: string,
  args: { device: string; channel?: string },
): Promise<CliOutcome> {
  const fields: Record<string, string> = {
    device: args.device,
    ...(args.channel && { channel: args.channel }),
  };
  const r = await runCommand(request, { to: hub, node: CMD_STATUS, fields, timeoutMs: TIMEOUT_MS });
  return summarise(r, "the hub gave no status");
}
