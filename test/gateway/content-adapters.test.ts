/**
 * The gateway's content adapters (src/backends/ice-content.ts, mps-content.ts) against the
 * emulator's content operations, over the signed wire: the emulator fingerprints the media
 * for real, so a match here is a match it computed from the bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackends, type Backends } from "../../src/backends/index.js";
import type { BackendContent, BackendJobState } from "../../src/backends/content-port.js";
import { matchesFromDnaDocument } from "../../src/backends/match-results.js";
import { ResultDocumentFetcher } from "../../src/backends/result-document-fetcher.js";
import { GatewayError } from "../../src/domain/errors.js";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { putMedia, startContentEmulator } from "../emulator/content-helpers.js";
import { ALICE } from "../emulator/helpers.js";

const REGION = "cn-shanghai";
const ORIGINAL = "The lighthouse keeper counted the ships that passed each night, writing their names in a ledger that nobody else ever read. ".repeat(3);
const COPY = `An unrelated opening line about the weather. ${ORIGINAL.slice(0, 200)}`;
const UNRELATED = "Quarterly revenue grew in every region except the north, where a late harvest delayed shipments of grain to the coast. ".repeat(3);

let emulator: RunningEmulator;
let backends: Backends;

beforeAll(async () => {
  emulator = await startContentEmulator();
  backends = createBackends({
    credentials: ALICE,
    endpoints: { ICE: emulator.endpoint, MPS: emulator.endpoint },
    protocol: "http",
    signatureAlgorithm: "v3",
    connectTimeoutMs: 2000,
    readTimeoutMs: 10_000,
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 },
  });
  await putMedia(emulator, "media-bucket", "texts/original.txt", ORIGINAL);
  await putMedia(emulator, "media-bucket", "texts/copy.txt", COPY);
  await putMedia(emulator, "media-bucket", "texts/unrelated.txt", UNRELATED);
}, 60_000);
afterAll(() => emulator?.close());

async function activeTextLibrary(backend: "ICE" | "MPS"): Promise<string> {
  const library = await backends[backend].create(REGION, { name: `texts-${backend}`, model: "TEXT", description: null, config: null });
  emulator.control.activate(library.backendLibraryId);
  return library.backendLibraryId;
}

async function finished(content: BackendContent, jobId: string): Promise<BackendJobState> {
  for (let i = 0; i < 200; i++) {
    const { found } = await content.queryJobs(REGION, [jobId]);
    if (found[0] && ["SUCCEEDED", "FAILED", "CANCELED"].includes(found[0].status)) return found[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

const media = (object: string) => ({ kind: "oss" as const, bucket: "media-bucket", object, location: `oss-${REGION}` });

describe.each(["ICE", "MPS"] as const)("%s content adapter", (backend) => {
  let libraryId: string;
  const content = () => backends[backend].content;
  const matchesOf = async (job: BackendJobState) => {
    if (job.result.kind === "inline") return job.result.matches;
    if (job.result.kind === "url") return matchesFromDnaDocument(await new ResultDocumentFetcher({ allowedOrigins: [`http://${emulator.endpoint}`, emulator.url] }).fetch(job.result.url));
    return [];
  };
  const submit = async (object: string, saveType: "onlysave" | "nosave", primaryKey: string) =>
    (await content().submitJob(REGION, { backendLibraryId: libraryId, model: "TEXT", media: media(object), saveType, primaryKey, similarityThreshold: null, userData: null })).backendJobId;

  beforeAll(async () => {
    libraryId = await activeTextLibrary(backend);
  });

  it("stores media, then finds its copy with segments, and not an unrelated text", async () => {
    const saved = await finished(content(), await submit("texts/original.txt", "onlysave", "doc-1"));
    expect(saved).toMatchObject({ status: "SUCCEEDED", rawStatus: "Success", errorCode: null });

    const search = await finished(content(), await submit("texts/copy.txt", "nosave", "search-1"));
    expect(search.status).toBe("SUCCEEDED");
    const [match] = await matchesOf(search);
    expect(match?.primaryKey).toBe("doc-1");
    expect(match!.similarity).toBeGreaterThanOrEqual(0.8);
    // The copy is the first 200 characters of the original, after a 45-character opening.
    const segment = match!.segments[0]!;
    expect(segment.inputStart).toBeCloseTo(45, -1);
    expect(segment.matchStart).toBeCloseTo(0, -1);
    expect(segment.matchEnd - segment.matchStart).toBeGreaterThan(150);

    const unrelated = await finished(content(), await submit("texts/unrelated.txt", "nosave", "search-2"));
    expect((await matchesOf(unrelated)).filter((m) => m.similarity >= 0.8)).toEqual([]);
  });

  it("lists stored files page by page and deletes them", async () => {
    const first = await content().listFiles(REGION, libraryId, 1, null);
    expect(first.files.map((f) => f.primaryKey)).toEqual(["doc-1"]);
    const deleted = await content().deleteFiles(REGION, libraryId, ["doc-1"]);
    if (deleted.kind === "job") {
      let state;
      for (let i = 0; i < 100 && state?.status !== "SUCCEEDED"; i++) {
        [state] = await content().fileDeleteJobs(REGION, [deleted.jobId]);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(state?.status).toBe("SUCCEEDED");
    }
    expect((await content().listFiles(REGION, libraryId, 10, null)).files).toEqual([]);
  });

  it("reports a job that could not read its media with the backend's code", async () => {
    const job = await finished(content(), await submit("texts/missing.txt", "nosave", "search-3"));
    expect(job).toMatchObject({ status: "FAILED", errorCode: "InvalidParameter.ResourceNotFound" });
  });

  it("answers unknown job ids as missing", async () => {
    expect((await content().queryJobs(REGION, ["ffffffffffffffffffffffffffffffff"])).missing).toEqual(["ffffffffffffffffffffffffffffffff"]);
  });
});

describe("cancel", () => {
  it("is UNSUPPORTED_OPERATION on MPS, before any call", async () => {
    const error = await backends.MPS.content.cancelJob(REGION, "any").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("UNSUPPORTED_OPERATION");
  });

  it("cancels a queued ICE job", async () => {
    const libraryId = await activeTextLibrary("ICE");
    emulator.control.pauseQueue("ice");
    try {
      const { backendJobId } = await backends.ICE.content.submitJob(REGION, { backendLibraryId: libraryId, model: "TEXT", media: media("texts/original.txt"), saveType: "nosave", primaryKey: "q", similarityThreshold: null, userData: null });
      await backends.ICE.content.cancelJob(REGION, backendJobId);
    } finally {
      emulator.control.resumeQueue("ice");
    }
  });
});
