/* E2E helpers for the agent: run `xiot agent` with the simulated example against a test server,
 * fetch every item of a node with RSM paging, decode readings, read the agent's record files. */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Element } from "@xmpp/xml";
import { parseReadingsPayload } from "../../../shared/exi/payload";
import { parseReadingsDocument, type Reading, type ReadingsDocument } from "../../../shared/model";
import type { ClientConnection } from "../../../shared/xmpp/client";
import { NS_READINGS } from "../../../shared/xmpp/ns";
import { makeItems, parseItemsResult } from "../../../shared/xmpp/pubsub";
import type { Account, TestServer } from "../../e2e/server";
import { type CliProcess, ROOT, runXiot } from "../cli";

export const EXAMPLE = join(ROOT, "examples/agent-simulated.json");

export interface AgentRun {
  proc: CliProcess;
  stateDir: string;
  account: Account;
}

export interface AgentArgs {
  server: TestServer;
  account: Account;
  /** Defaults to a fresh temporary folder. */
  stateDir?: string;
  /** xmpp.service override (e.g. a TCP proxy in front of the server). */
  service?: string;
  allow?: string[];
  extra?: string[];
  /** Records produced and appended readings into the state folder (the oracles); default true. */
  record?: boolean;
}

/** Starts `xiot agent` with the simulated example, recording produced and appended readings. */
export function runAgent(a: AgentArgs): AgentRun {
  const stateDir = a.stateDir ?? mkdtempSync(join(tmpdir(), "xiot-agent-"));
  const args = [
    "agent",
    "--config",
    EXAMPLE,
    "--device.id",
    a.account.username,
    "--xmpp.service",
    a.service ?? a.server.info.c2s,
    "--xmpp.domain",
    a.server.info.domain,
    "--xmpp.password",
    a.account.password,
    "--state.dir",
    stateDir,
    ...(a.record === false ? [] : ["--debug.recordReadings"]),
    "--log.format",
    "json",
    ...(a.allow?.length ? ["--allow", a.allow.join(",")] : []),
    ...(a.extra ?? []),
  ];
  return { proc: runXiot(args), stateDir, account: a.account };
}

/** Every item of a node, oldest first, fetched in pages of `pageSize` with XEP-0059. */
export async function fetchAllItems(
  client: ClientConnection,
  hub: string,
  node: string,
  pageSize = 100,
): Promise<Element[]> {
  const all: Element[] = [];
  let after: string | undefined;
  for (;;) {
    const result = parseItemsResult(
      await client.request(makeItems(hub, node, { page: { max: pageSize, after } })),
    );
    all.push(...result.items);
    if (result.items.length < pageSize || !result.last) return all;
    after = result.last;
  }
}

export function decodeItem(item: Element): ReadingsDocument {
  const payload = item.getChild("readings", NS_READINGS);
  if (!payload) throw new Error(`item ${item.attrs.id} has no readings payload`);
  const parsed = parseReadingsDocument(parseReadingsPayload(payload).document);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as T];
      } catch {
        return []; // a line torn by a SIGKILL mid-write
      }
    });
}

export const produced = (stateDir: string) => readJsonLines<Reading>(join(stateDir, "produced.jsonl"));
export const batched = (stateDir: string) => readJsonLines<Reading>(join(stateDir, "batched.jsonl"));
export const appended = (stateDir: string) =>
  readJsonLines<{ id: string; n: number; sha256: string }>(join(stateDir, "appended.jsonl"));

/** A reading's identity for set comparisons. */
export const readingKey = (r: Reading) => `${r.c}|${r.t}|${JSON.stringify(r.v)}|${r.q ?? ""}`;

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
