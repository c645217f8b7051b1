/**
 * Optional persistence: libraries and jobs as one JSON file. Settings, faults, nonces
 * and throttle state are runtime concerns and are not saved. Secrets never appear:
 * resources name their owner by AccessKeyId only.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { contentSnapshot, restoreContent, type ContentSnapshot } from "./content/snapshot.js";
import type { ContentRuntime } from "./content/runtime.js";
import type { DeleteJob, EmulatorState, Library } from "./state.js";

const FORMAT = "alibaba-fingerprint-emulator-state";

interface Snapshot {
  format: typeof FORMAT;
  version: 1;
  savedAt: string;
  libraries: Library[];
  jobs: DeleteJob[];
  /** Content jobs and stored files; absent in files written before content existed. */
  content?: ContentSnapshot;
}

export interface SnapshotSummary {
  path: string;
  libraries: number;
  jobs: number;
}

export class SnapshotError extends Error {
  override name = "SnapshotError";
}

export async function saveSnapshot(path: string, state: EmulatorState, content?: ContentRuntime): Promise<SnapshotSummary> {
  const snapshot: Snapshot = {
    format: FORMAT,
    version: 1,
    savedAt: new Date().toISOString(),
    libraries: [...state.libraries.values()],
    jobs: [...state.jobs.values()],
    ...(content ? { content: contentSnapshot(content, state) } : {}),
  };
  // Write aside and rename, so a crash mid-write never leaves a truncated file behind.
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(snapshot, null, 2)}\n`, "utf8");
    await rename(tmp, path);
  } catch (e) {
    throw new SnapshotError(`Cannot write ${path}: ${(e as Error).message}`);
  }
  return { path, libraries: snapshot.libraries.length, jobs: snapshot.jobs.length };
}

export async function loadSnapshot(path: string, state: EmulatorState, content?: ContentRuntime): Promise<SnapshotSummary> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new SnapshotError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  const snap = data as Partial<Snapshot>;
  if (snap?.format !== FORMAT || snap.version !== 1 || !Array.isArray(snap.libraries) || !Array.isArray(snap.jobs)) {
    throw new SnapshotError(`${path} is not an emulator state file (format ${FORMAT}, version 1).`);
  }
  snap.libraries.forEach((l, i) => checkLibrary(l, `${path}: libraries[${i}]`));
  snap.jobs.forEach((j, i) => checkJob(j, `${path}: jobs[${i}]`));
  state.clear();
  snap.libraries.forEach((l) => state.add(l));
  snap.jobs.forEach((j) => state.addJob(j));
  if (content) {
    const problem = restoreContent(content, state, snap.content);
    if (problem) throw new SnapshotError(`${path}: ${problem}`);
  }
  return { path, libraries: snap.libraries.length, jobs: snap.jobs.length };
}

function checkLibrary(l: unknown, where: string): asserts l is Library {
  const x = l as Record<string, unknown>;
  const ok =
    typeof x === "object" && x !== null &&
    (x.service === "ice" || x.service === "mps") &&
    ["id", "owner", "name", "description", "region"].every((k) => typeof x[k] === "string") &&
    ["offline", "active", "paused"].includes(x.status as string) &&
    typeof x.createdAt === "number" &&
    (x.activatesAt === null || typeof x.activatesAt === "number") &&
    (x.service === "ice" ? typeof x.model === "string" : typeof x.modelId === "number" && typeof x.config === "string");
  if (!ok) throw new SnapshotError(`${where} is not a valid library.`);
}

function checkJob(j: unknown, where: string): asserts j is DeleteJob {
  const x = j as Record<string, unknown>;
  const ok =
    typeof x === "object" && x !== null &&
    ["id", "owner", "fpDBId", "code", "message"].every((k) => typeof x[k] === "string") &&
    (x.region === undefined || typeof x.region === "string") &&
    (x.delType === "Purge" || x.delType === "Delete") &&
    ["Queuing", "Success", "Fail"].includes(x.status as string) &&
    typeof x.createdAt === "number" && typeof x.finishesAt === "number" &&
    (x.finishedAt === null || typeof x.finishedAt === "number");
  if (!ok) throw new SnapshotError(`${where} is not a valid delete job.`);
}
