/** Helpers shared by the store suites. */
import type { NewLibrary } from "../../src/store/index.js";

/** A clock the test moves by hand, so rows can share a createdAt (the keyset tie-break) and leases expire at once. */
export class ManualClock {
  constructor(private ms = Date.parse("2026-01-01T00:00:00.000Z")) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

let serial = 0;
export function newLibrary(overrides: Partial<NewLibrary> = {}): NewLibrary {
  serial += 1;
  return {
    tenantId: "tenant-a",
    account: "default",
    backend: "ICE",
    backendLibraryId: `db-${serial}-${Math.random().toString(36).slice(2, 8)}`,
    region: "cn-shanghai",
    name: `library ${serial}`,
    description: null,
    model: "VIDEO",
    config: null,
    status: "OFFLINE",
    rawStatus: "offline",
    ...overrides,
  };
}
