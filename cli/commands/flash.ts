/* `xiot flash <deviceId|bundle-dir> --to <rootfs> [--boot <bootfs>]`: installs a release and the
 * device's configuration onto a Raspberry Pi OS card (cli/flash/flash.ts), or with --boot-only puts
 * the configuration on the boot partition for the first boot. */
import { type Command, printReady, reportFailure, UsageError } from "../command";
import { oneOf, parseArgs } from "../flash/args";
import { DeviceConfigError } from "../flash/device-config";
import { FlashError, flash } from "../flash/flash";
import { ARCHES, DEFAULT_OUT } from "../flash/layout";

export const flashCommand: Command = {
  name: "flash",
  summary: "Install the agent, its configuration and its systemd units onto a Raspberry Pi OS card",
  usage:
    "xiot flash <deviceId|bundle-dir> --to <rootfs> [--boot <bootfs>] [--dry-run] [--force] | --boot-only --boot <bootfs>",
  options: [
    { flag: "--to PATH", description: "the card's mounted root partition (or a root folder)" },
    { flag: "--boot PATH", description: "the card's mounted boot partition (FAT)" },
    {
      flag: "--boot-only",
      description: "only put xiot-agent.json on the boot partition (moved into place at first boot)",
    },
    { flag: "--dry-run", description: "list what would be written; write nothing" },
    {
      flag: "--force",
      description: "write a configuration whose server is loopback or whose channels are simulated",
    },
    {
      flag: "--release DIR",
      description: "a release folder from xiot build-agent (default <out>/<arch>, built if missing)",
    },
    { flag: "--arch A", description: "arm64, armv7 or x64 (default: read from the root file system)" },
    { flag: "--out DIR", description: `where releases are built (default ${DEFAULT_OUT})` },
    { flag: "--json", description: "print the manifest of what was written as one JSON line" },
  ],
  async run(argv) {
    try {
      const args = parseArgs(argv, {
        values: ["to", "boot", "release", "arch", "out"],
        switches: ["boot-only", "dry-run", "json", "force"],
      });
      const [device, extra] = args.positional;
      if (device === undefined)
        throw new UsageError("give the device: xiot flash <deviceId|bundle-dir> --to <path>");
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
      const result = await flash({
        device,
        to: args.values.to,
        boot: args.values.boot,
        bootOnly: args.switches.has("boot-only"),
        dryRun: args.switches.has("dry-run"),
        force: args.switches.has("force"),
        release: args.values.release,
        arch: oneOf("arch", args.values.arch, ARCHES),
        out: args.values.out,
      });
      if (args.switches.has("json"))
        printReady(result.manifest ?? { dryRun: result.dryRun, lines: result.lines });
      else process.stdout.write(`${result.dryRun ? "would write:\n" : ""}${result.lines.join("\n")}\n`);
      return 0;
    } catch (error) {
      const usage = error instanceof FlashError || error instanceof DeviceConfigError;
      return reportFailure("flash", usage ? new UsageError(error.message) : error);
    }
  },
};
