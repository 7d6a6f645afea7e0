/* A line protocol for microcontrollers and scripts: one reading per line, either `key=value` pairs
 * (separated by spaces, commas or semicolons) or a JSON object, ending in "\n" or "\r\n". An optional
 * NMEA-style suffix `*hh` (XOR of the characters before "*") is checked when the sender adds one, and
 * required when `requireChecksum` is set. */
import type { FrameError, FrameParser, ParseResult } from "./frame";
import { lineSplitter, xorChecksum } from "./lines";

export type LineValue = number | boolean | string;
export type LineFrame = Record<string, LineValue>;

export interface LineParserOptions {
  maxLength?: number;
  requireChecksum?: boolean;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
export type LineResult = { ok: true; frame: LineFrame } | { ok: false; error: FrameError };
const syntax = (message: string): LineResult => ({ ok: false, error: { kind: "syntax", message } });

function scalar(raw: string): LineValue {
  if (raw === "true") return true;
  if (raw === "false") return false;
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
}

function parseJsonLine(text: string): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return syntax(`bad JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return syntax("JSON line is not an object");
  const frame: LineFrame = {};
  for (const [k, v] of Object.entries(value)) {
    if (!KEY.test(k)) return syntax(`bad key "${k}"`);
    if (typeof v !== "number" && typeof v !== "boolean" && typeof v !== "string") {
      return syntax(`value of "${k}" is not a number, boolean or string`);
    }
    frame[k] = v;
  }
  return { ok: true, frame };
}

function parsePairs(text: string): LineResult {
  const frame: LineFrame = {};
  for (const token of text.split(/[\s,;]+/).filter(Boolean)) {
    const eq = token.indexOf("=");
    if (eq <= 0) return syntax(`expected key=value, got "${token.slice(0, 40)}"`);
    const key = token.slice(0, eq);
    if (!KEY.test(key)) return syntax(`bad key "${key.slice(0, 40)}"`);
    frame[key] = scalar(token.slice(eq + 1));
  }
  return Object.keys(frame).length > 0 ? { ok: true, frame } : syntax("empty line");
}

export function parseLine(line: string, requireChecksum = false): LineResult {
  let text = line.trim();
  const star = /\*([0-9A-Fa-f]{2})$/.exec(text);
  if (star) {
    text = text.slice(0, -3);
    const actual = xorChecksum(text);
    if (actual !== Number.parseInt(star[1]!, 16)) {
      return {
        ok: false,
        error: { kind: "checksum", message: `line checksum ${star[1]}, computed ${actual.toString(16)}` },
      };
    }
  } else if (requireChecksum) {
    return syntax("missing *hh checksum");
  }
  return text.startsWith("{") ? parseJsonLine(text) : parsePairs(text);
}

export function lineParser(options: LineParserOptions = {}): FrameParser<LineFrame> {
  const lines = lineSplitter(options.maxLength ?? 1024);
  return {
    reset: () => lines.reset(),
    push(chunk) {
      const split = lines.push(chunk);
      const result: ParseResult<LineFrame> = { frames: [], errors: [], skipped: split.skipped };
      for (const line of split.entries) {
        if (typeof line !== "string") {
          result.errors.push(line);
          continue;
        }
        const parsed = parseLine(line, options.requireChecksum);
        if (parsed.ok) result.frames.push(parsed.frame);
        else result.errors.push(parsed.error);
      }
      return result;
    },
  };
}
