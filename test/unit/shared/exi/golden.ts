/* The golden vectors of the reference implementation, shared by the EXI4JSON tests. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface GoldenVector {
  name: string;
  json: string;
  exi: string;
}

const path = fileURLToPath(new URL("../../../fixtures/exi4json-golden.json", import.meta.url));
export const GOLDEN: readonly GoldenVector[] = (
  JSON.parse(readFileSync(path, "utf8")) as { vectors: GoldenVector[] }
).vectors;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}
