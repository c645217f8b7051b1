/**
 * The emulator's mutable runtime, shared by the service pipeline, the control API and
 * the in-process control twin. One instance per running emulator.
 */
import { NonceCache } from "./auth/nonce-cache.js";
import { ContentRuntime } from "./content/runtime.js";
import { FaultRegistry } from "./faults.js";
import type { FingerprintEngine } from "./fingerprint/contract.js";
import { OssStore } from "./oss/store.js";
import type { EmulatorAccount, ResolvedOptions } from "./options.js";
import type { EmulatorSettings } from "./settings.js";
import { EmulatorState } from "./state.js";
import { Throttle } from "./throttle.js";

export class EmulatorCore {
  settings: EmulatorSettings;
  readonly accounts: ReadonlyMap<string, EmulatorAccount>;
  readonly state = new EmulatorState();
  readonly faults = new FaultRegistry();
  readonly throttle = new Throttle();
  readonly nonces = new NonceCache();
  /** The OSS stand-in's buckets and objects (its in-process face: oss/contract.ts OssObjects). */
  readonly oss: OssStore;
  readonly log: (line: string) => void;
  /** Set at start, closed at stop. */
  engine: FingerprintEngine | undefined;
  /** Content jobs and stored files; they follow their library out of the state. */
  readonly content: ContentRuntime;
  /** Seams for tests; production uses the real clock and Math.random. */
  now: () => number = Date.now;
  random: () => number = Math.random;

  constructor(options: ResolvedOptions) {
    this.settings = options.settings;
    this.accounts = new Map(options.accounts.map((a) => [a.accessKeyId, a]));
    this.log = options.log;
    this.oss = new OssStore({ accounts: this.accounts, now: () => this.now(), ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}) });
    this.content = new ContentRuntime({
      state: this.state,
      settings: () => this.settings,
      now: () => this.now(),
      log: (line) => this.log(line),
      oss: () => this.oss,
      engine: () => this.engine,
    });
    this.state.onLibraryRemoved.push((id) => (id === null ? this.content.reset() : this.content.dropLibrary(id)));
  }

  /** Reset: resources (OSS buckets and objects too), faults, nonces and throttle state go; settings and accounts stay. */
  reset(): void {
    this.oss.clear();
    this.state.clear();
    this.faults.clear();
    this.nonces.clear();
    this.throttle.clear();
  }
}
