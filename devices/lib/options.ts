/* Option validation for the agent: look up a model, validate, and get errors that name the key path. */

import { DeviceOptionsError, type OptionIssue } from "../errors";
import type { DeviceDefinition } from "../types";

export type OptionsResult = { ok: true; options: unknown } | { ok: false; issues: OptionIssue[] };

export function validateOptions(definition: DeviceDefinition, raw: unknown): OptionsResult {
  const parsed = definition.options.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, options: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map((p) => String(p)).join("."),
    message: issue.message,
  }));
  return { ok: false, issues };
}

export function parseOptions(definition: DeviceDefinition, raw: unknown): unknown {
  const result = validateOptions(definition, raw);
  if (!result.ok) throw new DeviceOptionsError(definition.model, result.issues);
  return result.options;
}
