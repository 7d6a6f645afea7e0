/* Reading sysfs attributes under a configurable root (a fixture tree in tests). Missing files and
 * malformed contents become typed DeviceErrors, never crashes. */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { DeviceError, errorMessage } from "../errors";

export async function readAttribute(root: string, ...path: string[]): Promise<string> {
  const file = join(root, ...path);
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const detail = code === "ENOENT" ? "not found" : errorMessage(error);
    throw new DeviceError("io", `${file}: ${detail}`, { cause: error });
  }
}

export async function readInteger(root: string, ...path: string[]): Promise<number> {
  const text = await readAttribute(root, ...path);
  if (!/^-?\d+$/.test(text))
    throw new DeviceError("bad-data", `${join(root, ...path)}: not an integer: "${text.slice(0, 40)}"`);
  return Number(text);
}

export async function readNumber(root: string, ...path: string[]): Promise<number> {
  const text = await readAttribute(root, ...path);
  const n = Number(text);
  if (text === "" || !Number.isFinite(n)) {
    throw new DeviceError("bad-data", `${join(root, ...path)}: not a number: "${text.slice(0, 40)}"`);
  }
  return n;
}

export async function listDir(root: string, ...path: string[]): Promise<string[]> {
  try {
    return (await readdir(join(root, ...path))).sort();
  } catch (error) {
    throw new DeviceError("io", `${join(root, ...path)}: ${errorMessage(error)}`, { cause: error });
  }
}

export async function exists(root: string, ...path: string[]): Promise<boolean> {
  try {
    await stat(join(root, ...path));
    return true;
  } catch {
    // Any failure to read means "not usable here", which is the only question asked.
    return false;
  }
}

/** Finds the entry of `dir` whose `name`-like attribute equals `wanted`; the error lists what was found. */
export async function findByAttribute(
  root: string,
  dir: string,
  prefix: string,
  attribute: string,
  wanted: string,
): Promise<string> {
  const entries = (await listDir(root, dir)).filter((e) => e.startsWith(prefix));
  const found: string[] = [];
  for (const entry of entries) {
    const value = await readAttribute(root, dir, entry, attribute).catch(() => undefined);
    if (value === wanted) return entry;
    if (value !== undefined) found.push(`${entry}=${value}`);
  }
  throw new DeviceError(
    "missing-hardware",
    `no ${join(dir, `${prefix}*`, attribute)} equal to "${wanted}" (found: ${found.join(", ") || "none"})`,
  );
}
