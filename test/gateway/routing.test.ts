import { afterEach, describe, expect, it } from "vitest";
import { codes, startHarness, type Harness } from "../support/gateway-harness.js";
import { CREATE, type CreateFingerprintLibraryInput } from "../support/documents.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const create = (h: Harness, input: CreateFingerprintLibraryInput) => h.gql(CREATE, { input });

describe("createFingerprintLibrary routing", () => {
  it.each([
    ["VIDEO", "ICE", "Video"],
    ["AUDIO", "ICE", "Audio"],
    ["IMAGE", "MPS", 14],
    ["TEXT", "MPS", 11],
  ] as const)("routes %s to %s by default and creates it there", async (model, backend, wireModel) => {
    harness = await startHarness();
    const response = await create(harness, { name: `lib-${model}`, model });
    expect(response.errors).toBeUndefined();
    const library = response.data!.createFingerprintLibrary.library;
    expect(library).toMatchObject({ backend, model, name: `lib-${model}`, status: "OFFLINE", rawStatus: "offline", region: "cn-shanghai" });
    expect(response.data!.createFingerprintLibrary.replayed).toBe(false);

    const onEmulator = harness.emulator.control.state().libraries;
    expect(onEmulator).toHaveLength(1);
    expect(onEmulator[0]).toMatchObject({
      service: backend.toLowerCase(),
      id: library.backendLibraryId,
      name: `lib-${model}`,
      ...(backend === "ICE" ? { model: wireModel } : { modelId: wireModel }),
    });
  });

  it("lets an explicit backend win over the policy", async () => {
    harness = await startHarness();
    const video = await create(harness, { name: "v", model: "VIDEO", backend: "MPS" });
    const image = await create(harness, { name: "i", model: "IMAGE", backend: "ICE" });
    expect(video.data!.createFingerprintLibrary.library.backend).toBe("MPS");
    expect(image.data!.createFingerprintLibrary.library.backend).toBe("ICE");
  });

  it("follows a configured route", async () => {
    harness = await startHarness({ env: { ROUTING: "AUDIO=MPS" } });
    const audio = await create(harness, { name: "a", model: "AUDIO" });
    expect(audio.data!.createFingerprintLibrary.library.backend).toBe("MPS");
  });

  it("sends MPS's Config and answers it back as JSON", async () => {
    harness = await startHarness();
    const response = await create(harness, { name: "cfg", model: "IMAGE", config: { SaveType: "save" } });
    expect(response.errors).toBeUndefined();
    expect(response.data!.createFingerprintLibrary.library.config).toEqual({ SaveType: "save" });
    expect(harness.emulator.control.state().libraries[0]).toMatchObject({ config: '{"SaveType":"save"}' });
  });

  it("falls back to the other backend when the routed one's quota is used up", async () => {
    harness = await startHarness({ emulator: { libraryQuota: 1 } });
    const first = await create(harness, { name: "one", model: "VIDEO" });
    const second = await create(harness, { name: "two", model: "VIDEO" });
    expect(first.data!.createFingerprintLibrary.library.backend).toBe("ICE");
    expect(first.data!.createFingerprintLibrary.routing).toEqual({ backend: "ICE", reason: "MODEL_ROUTE", explanation: "VIDEO libraries go to ICE." });
    expect(second.errors).toBeUndefined();
    expect(second.data!.createFingerprintLibrary.library).toMatchObject({ backend: "MPS", model: "VIDEO" });
    // The answer says the library is not where VIDEO libraries usually go, and why.
    expect(second.data!.createFingerprintLibrary.routing).toEqual({
      backend: "MPS",
      reason: "QUOTA_FALLBACK",
      explanation: "VIDEO libraries go to ICE, but ICE's library quota for this account was used up, so this one was created on MPS.",
    });

    const third = await create(harness, { name: "three", model: "VIDEO" });
    expect(codes(third)).toEqual(["QUOTA_EXCEEDED"]);
    // One sentence naming both services, the routed one first, each with its request id.
    const message = third.errors![0].message;
    expect(message).toMatch(/^The library quota for this account is used up on ICE, where VIDEO libraries go, and on MPS, the fallback \(ICE code \S+, request id \S+; MPS code \S+, request id \S+\)\. Delete a library on either service, or ask Alibaba Cloud to raise the quota\.$/);
    expect(message).not.toMatch(/\.\.|\. \./);
    expect(third.errors![0].extensions).toMatchObject({ code: "QUOTA_EXCEEDED", backend: "ICE" });
  });

  it("says REQUESTED when the input named the backend, also on a replay", async () => {
    harness = await startHarness();
    const input = { name: "named", model: "VIDEO" as const, backend: "MPS" as const, idempotencyKey: "routing-requested-1" };
    for (const replayed of [false, true]) {
      const response = await create(harness, input);
      expect(response.data!.createFingerprintLibrary).toMatchObject({ replayed, routing: { backend: "MPS", reason: "REQUESTED", explanation: "The request named MPS." } });
    }
  });

  it("answers QUOTA_EXCEEDED without fallback when fallback is off or the backend was forced", async () => {
    harness = await startHarness({ emulator: { libraryQuota: 1 }, env: { ROUTING_FALLBACK_ON_QUOTA: "false" } });
    await create(harness, { name: "one", model: "VIDEO" });
    const refused = await create(harness, { name: "two", model: "VIDEO" });
    expect(codes(refused)).toEqual(["QUOTA_EXCEEDED"]);
    expect(refused.errors![0].message).toMatch(/^ICE's library quota for this account is used up \(ICE code \S+, request id \S+\)\. Delete a library or ask Alibaba Cloud to raise the quota\.$/);
    await create(harness, { name: "m", model: "IMAGE" });
    expect(codes(await create(harness, { name: "forced", model: "AUDIO", backend: "MPS" }))).toEqual(["QUOTA_EXCEEDED"]);
    expect(harness.emulator.control.state().libraries).toHaveLength(2);
  });

  it("never falls back to ICE with an MPS Config", async () => {
    harness = await startHarness({ emulator: { libraryQuota: 1 } });
    await create(harness, { name: "one", model: "IMAGE" });
    const response = await create(harness, { name: "two", model: "IMAGE", config: { a: 1 } });
    expect(codes(response)).toEqual(["QUOTA_EXCEEDED"]);
  });
});
