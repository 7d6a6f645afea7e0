/* Entry of the bundled agent the benchmark runs: `xiot agent` alone, as a board would run it
 * from an esbuild bundle (no tsx, no hub or server code loaded). */
import { agentCommand } from "../../cli/commands/agent";

process.exitCode = await agentCommand.run(process.argv.slice(2));
