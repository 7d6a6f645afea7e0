/* The xiot command: one entry, subcommands found in a table. */
import { type Command, EXIT_USAGE, helpText } from "./command";
import { agentCommand } from "./commands/agent";
import { buildAgentCommand } from "./commands/build-agent";
import { devicesCommand } from "./commands/devices";
import { exportCommand } from "./commands/export";
import { flashCommand } from "./commands/flash";
import { getCommand } from "./commands/get";
import { hubCommand } from "./commands/hub";
import { inviteCommand } from "./commands/invite";
import { provisionCommand } from "./commands/provision";
import { serverCommand } from "./commands/server";
import { setCommand } from "./commands/set";
import { upCommand } from "./commands/up";
import { watchCommand } from "./commands/watch";

const commands: Command[] = [
  serverCommand,
  hubCommand,
  agentCommand,
  upCommand,
  provisionCommand,
  inviteCommand,
  devicesCommand,
  setCommand,
  getCommand,
  buildAgentCommand,
  flashCommand,
  watchCommand,
  exportCommand,
];

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return (
    "Usage: xiot <command> [options]\n\nCommands:\n" +
    `${list}\n\n` +
    "Run `xiot <command> --help` for a command's options. Every option can also be set with an\n" +
    "XIOT_ environment variable (XIOT_XMPP__SERVICE for --xmpp.service) or in a JSON file given\n" +
    "with --config; flags win over variables, variables over the file.\n"
  );
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(mainHelp());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`xiot: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(helpText(command));
    return 0;
  }
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
