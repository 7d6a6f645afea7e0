/* References: EXI 1.0 §7.3 String Table (uri, prefix, local-name and value partitions; compact
 * ids as n-bit integers sized by the partition; empty strings never added), Appendix D
 * (initial entries). Only the EXI4JSON namespace's local names and the values of <j:string>
 * are ever added by this codec; URIs stay at their five initial entries. */
import { JSON_LOCAL_NAMES } from "./schema";

const BASE_IDS: ReadonlyMap<string, number> = new Map(JSON_LOCAL_NAMES.map((name, i) => [name, i]));

/** Local-name partition of the EXI4JSON namespace: schema names first, then keys as met. */
export class LocalNameTable {
  readonly names: string[] = JSON_LOCAL_NAMES.slice();
  private readonly added = new Map<string, number>();

  get size(): number {
    return this.names.length;
  }

  id(name: string): number | undefined {
    return BASE_IDS.get(name) ?? this.added.get(name);
  }

  add(name: string): number {
    const id = this.names.length;
    this.names.push(name);
    this.added.set(name, id);
    return id;
  }
}

/** Value partition for <j:string>. Every string value lives in this one element, so the
 * element's local partition and the global partition hold the same entries in the same order
 * and one id serves both. */
export class ValueTable {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  get size(): number {
    return this.values.length;
  }

  id(value: string): number | undefined {
    return this.ids.get(value);
  }

  /** Adds a non-empty value (EXI §7.3.3: empty strings are not added). */
  add(value: string, indexed: boolean): void {
    if (value.length === 0) return;
    if (indexed) this.ids.set(value, this.values.length);
    this.values.push(value);
  }
}
