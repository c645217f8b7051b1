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
    expect(second.errors).toBeUndefined();
    expect(second.data!.createFingerprintLibrary.library).toMatchObject({ backend: "MPS", model: "VIDEO" });

    const third = await create(harness, { name: "three", model: "VIDEO" });
    expect(codes(third)).toEqual(["QUOTA_EXCEEDED"]);
    expect(third.errors![0].message).toMatch(/quota/i);
  });

  it("answers QUOTA_EXCEEDED without fallback when fallback is off or the backend was forced", async () => {
    harness = await startHarness({ emulator: { libraryQuota: 1 }, env: { ROUTING_FALLBACK_ON_QUOTA: "false" } });
    await create(harness, { name: "one", model: "VIDEO" });
    expect(codes(await create(harness, { name: "two", model: "VIDEO" }))).toEqual(["QUOTA_EXCEEDED"]);
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
