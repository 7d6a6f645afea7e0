/* A pre-authenticated registration token from the server: Prosody's mod_invites_adhoc command
 * "Create new account invite" (admins only). Its result form carries the invite URI,
 * `xmpp:<domain>?register;preauth=<TOKEN>` (or `?roster;…;preauth=` for other invite kinds).
 * References: XEP-0401 §4 (invite URIs, preauth), XEP-0050 §3.3 (execute), Prosody 0.12
 * mod_invites_adhoc (node urn:xmpp:invite#create-account, one step, fields uri, landing-url,
 * expire). */
import { type IqRequest, runCommand } from "../../shared/xmpp/adhoc";
import { StanzaError } from "../../shared/xmpp/stanza-error";

export const CREATE_ACCOUNT_INVITE = "urn:xmpp:invite#create-account";

export interface Invite {
  uri: string;
  token: string;
  /** XEP-0082 date-time, when the server says. */
  expires: string | undefined;
}

/** The preauth token of an xmpp: invite URI; undefined when it carries none. */
export function tokenOfInviteUri(uri: string): string | undefined {
  const query = uri.split("?")[1] ?? "";
  for (const part of query.split(";")) {
    const [key, value] = part.split("=");
    if (key === "preauth" && value) return decodeURIComponent(value);
  }
  return undefined;
}

export class InviteError extends Error {}

export async function createAccountInvite(request: IqRequest, domain: string): Promise<Invite> {
  let outcome: Awaited<ReturnType<typeof runCommand>>;
  try {
    outcome = await runCommand(request, { to: domain, node: CREATE_ACCOUNT_INVITE });
  } catch (error) {
    if (
      error instanceof StanzaError &&
      ["forbidden", "not-authorized", "item-not-found", "service-unavailable"].includes(error.condition)
    ) {
      throw new InviteError(
        `the server ${domain} gave no invite (${error.condition}): the account must be a server admin ` +
          "(xiot server --admins) and mod_invites_adhoc loaded; or use --password to register the device account directly",
      );
    }
    throw error;
  }
  const error = outcome.notes.find((n) => n.type === "error");
  if (error) throw new InviteError(`the server refused an invite: ${error.text}`);
  const uri = outcome.form?.fields.get("uri")?.[0];
  const token = uri === undefined ? undefined : tokenOfInviteUri(uri);
  if (uri === undefined || token === undefined)
    throw new InviteError("the server's invite carries no preauth token");
  return { uri, token, expires: outcome.form?.fields.get("expire")?.[0] };
}
