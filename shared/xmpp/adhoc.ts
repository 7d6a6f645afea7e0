/* XEP-0050 Ad-Hoc Commands: the <command/> element for both sides, and a client helper that runs
 * a command to completion (execute, then submit the form the responder returns, if any).
 * References: XEP-0050 §3 (use cases: §3.2 list via disco#items, §3.3 execute, multi-stage
 * sessions with sessionid), §4 (command element: node, sessionid, status, action; <actions/>,
 * <note/>), §4.6 (error conditions: bad-action, bad-sessionid, malformed-action, session-expired),
 * XEP-0004 (forms carried inside). */

import xml, { type Element } from "@xmpp/xml";
import { findForm, makeForm, type ParsedForm, parseForm } from "./forms";
import { NS_COMMANDS } from "./ns";

export type CommandStatus = "executing" | "completed" | "canceled";
export type CommandAction = "execute" | "cancel" | "prev" | "next" | "complete";
export type NoteType = "info" | "warn" | "error";

export interface CommandRequest {
  node: string;
  sessionid: string | undefined;
  action: CommandAction;
  /** The submitted or cancelled form, if any. */
  form: ParsedForm | undefined;
}

const ACTIONS: ReadonlySet<string> = new Set(["execute", "cancel", "prev", "next", "complete"]);

/** Reads a request's <command/>; undefined when its action is not one XEP-0050 §4 defines. */
export function parseCommandRequest(command: Element): CommandRequest | undefined {
  const action = (command.attrs.action as string | undefined) ?? "execute";
  if (!ACTIONS.has(action)) return undefined; // §4.6 malformed-action
  return {
    node: String(command.attrs.node ?? ""),
    sessionid: command.attrs.sessionid as string | undefined,
    action: action as CommandAction,
    form: parseForm(findForm(command)),
  };
}

export interface CommandReply {
  node: string;
  sessionid: string;
  status: CommandStatus;
  /** Element to attach: a form (type form or result). */
  form?: Element;
  /** For `executing`: the actions the requester may take next (§4.3); `complete` is the default. */
  actions?: CommandAction[];
  note?: { type: NoteType; text: string };
}

/** The responder's <command/> (§4). */
export function makeCommandReply(reply: CommandReply): Element {
  const children: Element[] = [];
  if (reply.status === "executing") {
    const actions = reply.actions ?? ["complete"];
    children.push(
      xml(
        "actions",
        { execute: actions[0] },
        ...actions.filter((a) => a !== "execute" && a !== "cancel").map((a) => xml(a)),
      ),
    );
  }
  if (reply.note) children.push(xml("note", { type: reply.note.type }, reply.note.text));
  if (reply.form) children.push(reply.form);
  return xml(
    "command",
    { xmlns: NS_COMMANDS, node: reply.node, sessionid: reply.sessionid, status: reply.status },
    ...children,
  );
}

/** XEP-0050 §4.6 application conditions, inside a stanza error. */
export const makeCommandCondition = (
  condition: "bad-action" | "bad-sessionid" | "malformed-action" | "session-expired" | "bad-payload",
): Element => xml(condition, { xmlns: NS_COMMANDS });

/** What a command came back with. */
export interface CommandOutcome {
  status: CommandStatus;
  sessionid: string | undefined;
  form: ParsedForm | undefined;
  notes: Array<{ type: string; text: string }>;
}

export function parseCommandReply(command: Element | undefined): CommandOutcome {
  if (!command?.is("command", NS_COMMANDS)) throw new Error("the answer carries no ad-hoc <command/>");
  return {
    status: (command.attrs.status as CommandStatus | undefined) ?? "completed",
    sessionid: command.attrs.sessionid as string | undefined,
    form: parseForm(findForm(command)),
    notes: command
      .getChildren("note")
      .map((n) => ({ type: String(n.attrs.type ?? "info"), text: n.getText() })),
  };
}

/** Sends an IQ and resolves with the answer stanza (rejects on an error reply or timeout). */
export type IqRequest = (iq: Element, timeoutMs?: number) => Promise<Element>;

export interface RunCommandOptions {
  to: string;
  node: string;
  /** Values for the form the responder asks for; a one-step command ignores them. */
  fields?: Record<string, string | string[]>;
  formType?: string;
  timeoutMs?: number;
}

/** §3.3: executes a command; when it answers with a form, submits `fields` and returns the end. */
export async function runCommand(request: IqRequest, options: RunCommandOptions): Promise<CommandOutcome> {
  const { to, node, timeoutMs } = options;
  const send = async (payload: Element) =>
    parseCommandReply(
      (await request(xml("iq", { type: "set", to }, payload), timeoutMs)).getChild("command", NS_COMMANDS),
    );
  const first = await send(xml("command", { xmlns: NS_COMMANDS, node, action: "execute" }));
  if (first.status !== "executing") return first;
  const fields = Object.entries(options.fields ?? {}).map(([name, value]) => ({
    var: name,
    values: Array.isArray(value) ? value : [value],
  }));
  const formType = options.formType ?? first.form?.formType;
  const form = makeForm({ type: "submit", ...(formType !== undefined && { formType }), fields });
  const attrs = { xmlns: NS_COMMANDS, node, action: "complete", sessionid: first.sessionid };
  return send(xml("command", attrs, form));
}
