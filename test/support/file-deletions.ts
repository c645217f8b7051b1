/**
 * MPS file deletions for the event suites, through the gateway as a client makes them:
 * deleteFingerprintFiles over GraphQL on an ACTIVE library (each delete job a DELETE_FILES
 * row, a FileDeletion), ended on the emulator with its control route, and seen to its end by
 * the gateway's own job watcher.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { expect } from "vitest";
import type { FingerprintBackend } from "../../src/domain/model.js";
import { CREATE, DELETE_FILES, REFRESH } from "./documents.js";
import type { GraphQLResponse, Harness } from "./gateway-harness.js";
import { internalId } from "./jobs.js";

export async function as<R, V>(h: Harness, key: string, document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>> {
  const response = await h.post(JSON.stringify({ query: print(document), variables }), { authorization: `Bearer ${key}` });
  return (await response.json()) as GraphQLResponse<R>;
}

/** A new library, turned ACTIVE on the emulator and refreshed, so files can be deleted from it. */
export async function activeLibrary(h: Harness, key: string, backend: FingerprintBackend, name: string) {
  const created = await as(h, key, CREATE, { input: { name, model: "TEXT", backend } });
  expect(created.errors).toBeUndefined();
  const library = created.data!.createFingerprintLibrary.library;
  h.emulator.control.activate(library.backendLibraryId);
  const refreshed = await as(h, key, REFRESH, { id: library.id });
  expect(refreshed.data?.refreshFingerprintLibrary.status).toBe("ACTIVE");
  return library;
}

/** deleteFingerprintFiles; answers the FileDeletions (one per 200 keys on MPS, none on ICE). */
export async function deleteFiles(h: Harness, key: string, libraryId: string, primaryKeys: string[]) {
  const response = await as(h, key, DELETE_FILES, { libraryId, primaryKeys });
  expect(response.errors).toBeUndefined();
  return response.data!.deleteFingerprintFiles.deletions;
}

/** Ends a deletion's delete job on the emulator (MPS then lists it Success, or Fail with the code); the gateway has not looked yet. */
export async function endOnMps(h: Harness, deletionId: string, end: "finish" | { code: string; message: string }): Promise<void> {
  const row = await h.gateway.services.store.jobs.findRow(internalId(deletionId));
  const url = `${h.emulator.url}/_emulator/content-jobs/${row!.backendJobId}`;
  const response =
    end === "finish"
      ? await fetch(`${url}/finish`, { method: "POST" })
      : await fetch(`${url}/fail`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(end) });
  expect(response.status).toBe(200);
}

/**
 * One round of the gateway's job watcher, each a minute (its longest wait between two reads
 * of a job) later than the last, so every unfinished job is due however an earlier round
 * scheduled it.
 */
export function watcherRounds(h: Harness) {
  let rounds = 0;
  return async () => {
    rounds += 1;
    return h.gateway.jobWatcher!.runRound(new Date(Date.now() + rounds * 61_000));
  };
}
