/* The few lines `xiot up` prints once everything is up: where to look, how to log in, what to do
 * next. Pure: the stack's addresses in, text out. They go to stderr with the logs; stdout stays
 * for the --json ready line (docs/design.md §5). */

export interface StackSummary {
  dir: string;
  dashboard: string;
  user: string;
  password: string;
  /** The device's JID to chat commands to (its agent's full JID). */
  chat: string;
  domain: string;
  /** The client URI, xmpp://host:port. */
  c2s: string;
  /** False: the embedded server takes plain-text logins (loopback only). */
  tls: boolean;
}

export function renderSummary(s: StackSummary): string {
  const { hostname: host, port } = new URL(s.c2s.replace(/^xmpp:/, "http:"));
  const lines = [
    "",
    `xiot is up (data in ${s.dir})`,
    `  dashboard at ${s.dashboard}`,
    `  log in as ${s.user}  password ${s.password}`,
    `  next: open the dashboard, or from any XMPP client (server ${host}, port ${port}) chat "help" to ${s.chat}`,
    ...(s.tls ? [] : [`  TLS is off: clients log in in plain text, on ${host} only`]),
    "  Ctrl-C stops everything",
    "",
  ];
  return `${lines.join("\n")}\n`;
}
