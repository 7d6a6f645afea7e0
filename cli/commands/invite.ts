/* `xiot invite`: an invitation link for a person (XEP-0401), made on the embedded server's own
 * folder (server/invite.ts). Prints the link on stdout, one line. */
import { resolve } from "node:path";
import { z } from "zod";
import { findProsody } from "../../server/install";
import { createInvite, InviteError } from "../../server/invite";
import { logSchema } from "../../shared/config/common";
import { type Command, EXIT_FAILURE, reportFailure, startQuietCommand } from "../command";

const inviteSchema = z.object({
  dir: z.string().min(1).default(".xiot/server"),
  admin: z.boolean().default(false),
  log: logSchema,
});

export const inviteCommand: Command = {
  name: "invite",
  summary: "Make an invitation link with which a person registers an account (XEP-0401)",
  usage: "xiot invite [--dir .xiot/server] [--admin]",
  options: [
    {
      flag: "--dir DIR",
      description: "the server's data folder (default .xiot/server, as npm start makes it)",
    },
    { flag: "--admin", description: "the new account is a server administrator" },
  ],
  async run(argv) {
    try {
      const { config } = startQuietCommand("invite", inviteSchema, argv);
      const prosody = findProsody() ?? undefined;
      const link = createInvite({
        dir: resolve(config.dir),
        admin: config.admin,
        ...(prosody && { prosody }),
      });
      process.stdout.write(`${link}\n`);
      process.stderr.write(
        "Open the link in an XMPP client that takes invitation links (Conversations and Dino do), or give it to the person; it works once.\n",
      );
      return 0;
    } catch (error) {
      if (error instanceof InviteError) {
        process.stderr.write(`xiot invite: ${error.message}\n`);
        return EXIT_FAILURE;
      }
      return reportFailure("invite", error);
    }
  },
};
