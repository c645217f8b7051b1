/**
 * The whole job flow through GraphQL over HTTP, on the emulator's real (text) fingerprints:
 * save a document, search a copy and find it, search unrelated text and find nothing, then
 * one duplicate search across an ICE and an MPS library. The gateway's own job watcher moves
 * the jobs to their end; nothing here touches the store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateLibraryDocument as CREATE,
  GetDuplicateSearchDocument as GET_SEARCH,
  GetJobDocument as GET_JOB,
  RefreshLibraryDocument as REFRESH,
  SearchDuplicatesDocument as SEARCH,
  SubmitJobDocument as SUBMIT,
  type SubmitFingerprintJobInput,
} from "../../src/client/generated/operations.js";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { putMedia, testEngine } from "../emulator/content-helpers.js";
import { announcePostgresqlCoverage, databaseKinds, type TestDatabase } from "../support/databases.js";
import { eventually, startHarness, type Harness } from "../support/gateway-harness.js";

const BUCKET = "flow-media";
const ORIGINAL = "The lighthouse keeper counted the ships that passed each night, writing their names in a ledger that nobody else ever read. ".repeat(3);
const COPY = `An unrelated opening line about the weather. ${ORIGINAL.slice(0, 200)}`;
const UNRELATED = "Quarterly revenue grew in every region except the north, where a late harvest delayed shipments of grain to the coast. ".repeat(3);
const media = (object: string) => ({ oss: { bucket: BUCKET, object } });

announcePostgresqlCoverage("fingerprint job flow");

describe.each(databaseKinds)("fingerprint job flow on $name", (kind) => {
  let h: Harness;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await kind.fresh();
    h = await startHarness({
      databaseUrl: database.url,
      emulator: { activationDelayMs: 3_600_000, jobQueueDelayMs: 0, jobSecondsPerMediaSecond: 0, fingerprintEngine: testEngine, libraryQuota: 100 },
      env: { WATCHER_TICK_MS: "50", JOB_WATCHER_MIN_INTERVAL_MS: "20", JOB_WATCHER_MAX_INTERVAL_MS: "200", JOB_EXPECTED_DURATION_MS: "0" },
    });
    for (const [key, text] of [["original.txt", ORIGINAL], ["copy.txt", COPY], ["unrelated.txt", UNRELATED]] as const) {
      await putMedia(h.emulator, BUCKET, key, text, { account: DEFAULT_DEV_ACCOUNT });
    }
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  async function textLibrary(backend: "ICE" | "MPS") {
    const lib = (await h.gql(CREATE, { input: { name: `texts-${backend}`, model: "TEXT", backend } })).data!.createFingerprintLibrary.library;
    h.emulator.control.activate(lib.backendLibraryId);
    return (await h.gql(REFRESH, { id: lib.id })).data!.refreshFingerprintLibrary;
  }

  async function finished(input: SubmitFingerprintJobInput) {
    const submitted = await h.gql(SUBMIT, { input });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.submitFingerprintJob.job.id;
    return eventually(async () => {
      const job = (await h.gql(GET_JOB, { id })).data!.fingerprintJob!;
      return ["SUCCEEDED", "FAILED", "CANCELED"].includes(job.status) ? job : null;
    }, 20_000);
  }

  it("saves a document, finds it from a copy, and finds nothing for unrelated text", async () => {
    const lib = await textLibrary("ICE");
    const saved = await finished({ libraryId: lib.id, media: media("original.txt"), mode: "SAVE", primaryKey: "doc-1" });
    expect(saved).toMatchObject({ status: "SUCCEEDED", mode: "SAVE", matches: [] });

    const copy = await finished({ libraryId: lib.id, media: media("copy.txt"), mode: "SEARCH" });
    expect(copy.status).toBe("SUCCEEDED");
    expect(copy.matches.map((m) => m.primaryKey)).toEqual(["doc-1"]);
    expect(copy.matches[0]!.similarity).toBeGreaterThanOrEqual(0.8);
    expect(copy.matches[0]!.segments.length).toBeGreaterThan(0);

    const unrelated = await finished({ libraryId: lib.id, media: media("unrelated.txt"), mode: "SEARCH" });
    expect(unrelated).toMatchObject({ status: "SUCCEEDED", matches: [] });
  });

  it("searches an ICE and an MPS library at once and ranks both libraries' matches", async () => {
    const ice = await textLibrary("ICE");
    const mps = await textLibrary("MPS");
    for (const lib of [ice, mps]) {
      expect((await finished({ libraryId: lib.id, media: media("original.txt"), mode: "SAVE", primaryKey: `doc-${lib.backend}` })).status).toBe("SUCCEEDED");
    }
    const started = await h.gql(SEARCH, { input: { media: media("copy.txt"), libraryIds: [ice.id, mps.id], idempotencyKey: "flow-search" } });
    expect(started.errors).toBeUndefined();
    const id = started.data!.searchDuplicates.search.id;
    const done = await eventually(async () => {
      const search = (await h.gql(GET_SEARCH, { id })).data!.duplicateSearch!;
      return search.status === "SUCCEEDED" || search.status === "FAILED" ? search : null;
    }, 20_000);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.jobs.map((job) => job.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    const found = done.matches.map((m) => [m.library.id, m.match.primaryKey]);
    expect(found).toHaveLength(2);
    expect(found).toEqual(expect.arrayContaining([[ice.id, "doc-ICE"], [mps.id, "doc-MPS"]]));
    const similarities = done.matches.map((m) => m.match.similarity);
    expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
  });
});
