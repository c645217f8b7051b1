/**
 * Where the content records live. Everything is keyed by library so that deleting a
 * library (DeleteDNADB, an MPS Delete job, the control API, a reset) drops its jobs,
 * files and index in one step. Each library also owns one LibraryIndex of the engine.
 */
import type { LibraryIndex } from "../fingerprint/contract.js";
import { newHexId } from "../ids.js";
import type { FileDeleteJob, FpJob, ImportJob, StoredFile } from "./model.js";

interface LibraryContent {
  /** By primary key: storing a key again replaces the item (the engine's index does the same). */
  files: Map<string, StoredFile>;
  index: LibraryIndex | null;
}

export class ContentStore {
  readonly fpJobs = new Map<string, FpJob>();
  readonly fileDeleteJobs = new Map<string, FileDeleteJob>();
  readonly importJobs = new Map<string, ImportJob>();
  private readonly libraries = new Map<string, LibraryContent>();
  private counter = 0;

  /** A monotonically increasing number: creation order for jobs, storage order for files. */
  nextSeq(): number {
    return ++this.counter;
  }

  /** After a load: new records number after the loaded ones. */
  advanceSeq(to: number): void {
    this.counter = Math.max(this.counter, to);
  }

  /** A 32-hex id unused by any content record. */
  freshId(taken: (id: string) => boolean): string {
    for (;;) {
      const id = newHexId();
      if (!taken(id) && !this.fpJobs.has(id) && !this.fileDeleteJobs.has(id) && !this.importJobs.has(id)) return id;
    }
  }

  private content(libraryId: string): LibraryContent {
    let c = this.libraries.get(libraryId);
    if (!c) {
      c = { files: new Map(), index: null };
      this.libraries.set(libraryId, c);
    }
    return c;
  }

  files(libraryId: string): StoredFile[] {
    return [...(this.libraries.get(libraryId)?.files.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  fileByKey(libraryId: string, primaryKey: string): StoredFile | undefined {
    return this.libraries.get(libraryId)?.files.get(primaryKey);
  }

  fileById(libraryId: string, fileId: string): StoredFile | undefined {
    for (const f of this.libraries.get(libraryId)?.files.values() ?? []) if (f.fileId === fileId) return f;
    return undefined;
  }

  /** The library's index, made by `create` on first use. */
  index(libraryId: string, create: () => LibraryIndex): LibraryIndex {
    const c = this.content(libraryId);
    c.index ??= create();
    return c.index;
  }

  putFile(libraryId: string, file: StoredFile, index: LibraryIndex): void {
    this.content(libraryId).files.set(file.primaryKey, file);
    index.add(file.primaryKey, file.fingerprint);
  }

  /** Removes the item with this primary key from the files and the index; true when it was stored. */
  removeFile(libraryId: string, primaryKey: string): boolean {
    const c = this.libraries.get(libraryId);
    if (!c || !c.files.delete(primaryKey)) return false;
    c.index?.remove(primaryKey);
    return true;
  }

  /** Drops everything of a deleted library. */
  dropLibrary(libraryId: string): void {
    this.libraries.delete(libraryId);
    for (const jobs of [this.fpJobs, this.fileDeleteJobs, this.importJobs] as Array<Map<string, { libraryId: string }>>) {
      for (const [id, job] of jobs) if (job.libraryId === libraryId) jobs.delete(id);
    }
  }

  clear(): void {
    this.libraries.clear();
    this.fpJobs.clear();
    this.fileDeleteJobs.clear();
    this.importJobs.clear();
  }
}
