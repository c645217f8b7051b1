import { afterEach, describe, expect, it } from "vitest";
import { announcePostgresqlCoverage, databaseKinds, type TestDatabase } from "../support/databases.js";
import { codes, startHarness as startOn, type Harness, type HarnessOptions } from "../support/gateway-harness.js";
import { CREATE, type CreateFingerprintLibraryInput } from "../support/documents.js";

announcePostgresqlCoverage("idempotent creates");

let h: Harness | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await h?.close();
  await database?.drop();
  h = undefined;
  database = undefined;
});

describe.each(databaseKinds)("idempotent creates on $name", (kind) => {
  const startHarness = async (options: HarnessOptions = {}) => {
    database = await kind.fresh();
    return startOn({ ...options, databaseUrl: database.url });
  };

  it("answers 20 identical concurrent calls with one library, made once", async () => {
    h = await startHarness();
    const input: CreateFingerprintLibraryInput = { name: "once", model: "VIDEO", idempotencyKey: "order-42" };
    const responses = await Promise.all(Array.from({ length: 20 }, () => h!.gql(CREATE, { input })));
    for (const response of responses) expect(response.errors).toBeUndefined();
    const payloads = responses.map((r) => r.data!.createFingerprintLibrary);
    expect(new Set(payloads.map((p) => p.library.id)).size).toBe(1);
    expect(payloads.filter((p) => !p.replayed)).toHaveLength(1);
    expect(payloads.filter((p) => p.replayed)).toHaveLength(19);
    expect(h.emulator.control.state().libraries).toHaveLength(1);
  });

  it("replays a later identical call with replayed: true", async () => {
    h = await startHarness();
    const input: CreateFingerprintLibraryInput = { name: "again", model: "IMAGE", config: { a: 1 }, idempotencyKey: "k-1" };
    const first = (await h.gql(CREATE, { input })).data!.createFingerprintLibrary;
    const second = (await h.gql(CREATE, { input })).data!.createFingerprintLibrary;
    expect(first.replayed).toBe(false);
    expect(second).toMatchObject({ replayed: true, library: { id: first.library.id } });
    expect(h.emulator.control.state().libraries).toHaveLength(1);
  });

  it("refuses the same key with another input, concurrently and later", async () => {
    h = await startHarness();
    const [a, b] = await Promise.all([
      h.gql(CREATE, { input: { name: "a", model: "VIDEO", idempotencyKey: "shared" } }),
      h.gql(CREATE, { input: { name: "b", model: "VIDEO", idempotencyKey: "shared" } }),
    ]);
    expect([codes(a), codes(b)].flat()).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
    const later = await h.gql(CREATE, { input: { name: "a", model: "AUDIO", idempotencyKey: "shared" } });
    expect(codes(later)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
    expect(later.errors![0].message).toMatch(/already used for a different createFingerprintLibrary input/);
    expect(h.emulator.control.state().libraries).toHaveLength(1);
  });

  it("makes a second library for a second key, and for calls without a key", async () => {
    h = await startHarness();
    await h.gql(CREATE, { input: { name: "x", model: "VIDEO", idempotencyKey: "k1" } });
    await h.gql(CREATE, { input: { name: "x", model: "VIDEO", idempotencyKey: "k2" } });
    await h.gql(CREATE, { input: { name: "x", model: "VIDEO" } });
    await h.gql(CREATE, { input: { name: "x", model: "VIDEO" } });
    expect(h.emulator.control.state().libraries).toHaveLength(4);
  });

  it("lets a failed create be retried with its key, without a duplicate", async () => {
    h = await startHarness({ env: { BACKEND_RETRIES: "0" } });
    h.emulator.control.setFault("CreateDNADB", { errorRate: 1, code: "Throttling", httpStatus: 400, times: 1 });
    const input: CreateFingerprintLibraryInput = { name: "retry-me", model: "VIDEO", idempotencyKey: "retry-1" };
    expect(codes(await h.gql(CREATE, { input }))).toEqual(["BACKEND_THROTTLED"]);
    const retried = await h.gql(CREATE, { input });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.createFingerprintLibrary.replayed).toBe(false);
    expect(h.emulator.control.state().libraries).toHaveLength(1);
  });

  it("adopts instead of duplicating when the answer to a create was lost", async () => {
    // The emulator makes the library, then the gateway's read times out: an ambiguous failure.
    h = await startHarness({ env: { BACKEND_RETRIES: "0", BACKEND_READ_TIMEOUT_MS: "300" } });
    h.emulator.control.setFault("CreateDNADB", { latencyMs: 800, times: 1 });
    const input: CreateFingerprintLibraryInput = { name: "lost-answer", model: "VIDEO", idempotencyKey: "lost-1" };
    const first = await h.gql(CREATE, { input });
    expect(codes(first)).toEqual(["BACKEND_UNAVAILABLE"]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const retried = await h.gql(CREATE, { input });
    expect(retried.errors).toBeUndefined();
    const libraries = h.emulator.control.state().libraries;
    expect(libraries).toHaveLength(1);
    expect(retried.data!.createFingerprintLibrary.library.backendLibraryId).toBe(libraries[0].id);
  });

  it("answers the library when an unanswered create lands within the grace period", async () => {
    // The create reaches the emulator's handler only 500 ms after the gateway gave up on it:
    // without the grace, the caller gets an error and a retry made at once would make a second library.
    h = await startHarness({ env: { BACKEND_RETRIES: "0", BACKEND_READ_TIMEOUT_MS: "300", CREATE_RETRY_GRACE_MS: "1500" } });
    h.emulator.control.setFault("CreateDNADB", { latencyMs: 800, times: 1 });
    const input: CreateFingerprintLibraryInput = { name: "late-landing", model: "VIDEO", idempotencyKey: "late-1" };
    const first = await h.gql(CREATE, { input });
    expect(first.errors).toBeUndefined();
    const libraries = h.emulator.control.state().libraries;
    expect(libraries).toHaveLength(1);
    expect(first.data!.createFingerprintLibrary.library.backendLibraryId).toBe(libraries[0].id);

    const retried = await h.gql(CREATE, { input });
    expect(retried.data!.createFingerprintLibrary).toMatchObject({ replayed: true, library: { backendLibraryId: libraries[0].id } });
    expect(h.emulator.control.state().libraries).toHaveLength(1);
  });

  it("does not wait out the grace period when the backend refused the create", async () => {
    // Throttling is a refusal before any work: nothing can land later, so the answer is immediate.
    h = await startHarness({ env: { BACKEND_RETRIES: "0", CREATE_RETRY_GRACE_MS: "60000" } });
    h.emulator.control.setFault("CreateDNADB", { errorRate: 1, code: "Throttling", httpStatus: 400, times: 1 });
    const answered = await Promise.race([
      h.gql(CREATE, { input: { name: "refused", model: "VIDEO", idempotencyKey: "refused-1" } }).then(codes),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 10 s"), 10_000)),
    ]);
    expect(answered).toEqual(["BACKEND_THROTTLED"]);
  });
});
