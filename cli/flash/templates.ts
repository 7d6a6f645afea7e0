/* Fills the files under release/ (`{{name}}` placeholders) and renders the units for a target
 * systemd. References: systemd.service(5) (Restart=, RestartSec=, RestartSteps= and
 * RestartMaxDelaySec= since systemd 254, WatchdogSec=, NotifyAccess=), systemd.exec(5),
 * systemd.resource-control(5) (MemoryMax=), sysusers.d(5). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ARCH_INFO, type Arch, SERVICE_GROUPS, SERVICE_USER, TEMPLATES } from "./layout";

export class TemplateError extends Error {}

export function render(template: string, vars: Record<string, string>): string {
  const text = readFileSync(join(TEMPLATES, template), "utf8");
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new TemplateError(`${template}: no value for {{${key}}}`);
    return value;
  });
}

/** systemd 252 is Raspberry Pi OS bookworm's; RestartSteps= needs 254 (trixie has 257). */
export const RESTART_STEPS_SINCE = 254;

export interface UnitOptions {
  version: string;
  arch: Arch;
  /** The target's systemd version, when known; older or unknown gets no RestartSteps=. */
  systemd: number | undefined;
  watchdogSec?: number;
  memoryMax?: string;
}

export function agentUnit(o: UnitOptions): string {
  const watchdogSec = o.watchdogSec ?? 30;
  const steps =
    o.systemd !== undefined && o.systemd >= RESTART_STEPS_SINCE
      ? "RestartSteps=6\nRestartMaxDelaySec=5min\n"
      : "";
  return render("xiot-agent.service.in", {
    version: o.version,
    arch: o.arch,
    restartSec: "2s",
    restartSteps: steps,
    watchdogSec: `${watchdogSec}s`,
    watchdogHalf: `${watchdogSec / 2} s`,
    memoryMax: o.memoryMax ?? "256M",
  });
}

export const firstbootUnit = (version: string) => render("xiot-firstboot.service.in", { version });

export const firstbootScript = (version: string) =>
  render("xiot-firstboot.sh.in", { version, user: SERVICE_USER });

/** `ids` is "uid:gid" when the root file system already fixed them, else "-" (sysusers picks). */
export function sysusersConf(version: string, ids = "-"): string {
  const text = render("xiot.sysusers.in", { version, ids });
  // The template lists the groups the code expects; a drift between them is a bug.
  for (const group of SERVICE_GROUPS)
    if (!text.includes(`m ${SERVICE_USER} ${group}`)) throw new TemplateError(`sysusers: no ${group}`);
  return text;
}

export const tmpfilesConf = (version: string) => render("xiot.tmpfiles.in", { version });

export type NodeMode = "bundled" | "system";

export function launcher(version: string, arch: Arch, node: NodeMode, nodeVersion?: string): string {
  const nodeSelect =
    node === "bundled"
      ? 'node="$release/node/bin/node"'
      : [
          "node=$(command -v node || true)",
          'if [ -z "$node" ]; then echo "xiot-agent: no node on PATH (this release uses the system\'s Node: install nodejs 20.10 or later)" >&2; exit 1; fi',
          '"$node" -e \'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=10)?0:1)\' ||',
          '  { echo "xiot-agent: $("$node" --version) is too old: the agent needs Node 20.10 or later" >&2; exit 1; }',
        ].join("\n");
  const nodeDescription =
    node === "bundled"
      ? `Node ${nodeVersion} from ${ARCH_INFO[arch].runtime.pkg}`
      : "the system's Node (20.10 or later)";
  return render("xiot-agent.sh.in", { version, arch, nodeSelect, nodeDescription });
}
