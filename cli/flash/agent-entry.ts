/* Entry of the release bundle: `xiot agent` alone, as a board runs it (no tsx, no hub, no server). */
import { agentCommand } from "../commands/agent";

process.exitCode = await agentCommand.run(process.argv.slice(2));
