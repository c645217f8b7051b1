/** A video job end to end: an MP4 rendered by ffmpeg, stored, then found with VOD's VideoDNA shape. */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { synthesizeVideo } from "../../bench/fingerprints/synth/video.js";
import { activeIceLibrary, fetchDnaResult, iceJobDone, putMedia, startContentEmulator } from "./content-helpers.js";
import { iceClient } from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startContentEmulator();
}, 60_000);
afterAll(() => emu.close());

it("stores a video with onlysave and finds it with nosave (VideoDNA, seconds as strings)", async () => {
  const ice = iceClient(emu);
  const db = await activeIceLibrary(emu, ice, "Video");
  await putMedia(emu, "media", "clip.mp4", Buffer.from(await synthesizeVideo(1, 6)));
  const input = JSON.stringify({ Type: "OSS", Media: "oss://media/clip.mp4" });
  const stored = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "clip", Input: input, Config: '{"SaveType":"onlysave","MediaType":"video"}' })).JobId, 60_000);
  expect(stored.Status).toBe("Success");
  const found = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "q", Input: input, Config: '{"SaveType":"nosave"}' })).JobId, 60_000);
  const doc = await fetchDnaResult(found.DNAResult);
  expect(Object.keys(doc)).toEqual(["VideoDNA"]);
  expect(doc.VideoDNA).toHaveLength(1);
  const match = doc.VideoDNA[0];
  expect(match.PrimaryKey).toBe("clip");
  expect(Number(match.Similarity)).toBeGreaterThan(0.9);
  expect(match.Detail.length).toBeGreaterThan(0);
  for (const d of match.Detail) {
    for (const span of [d.Input, d.Duplication]) {
      expect(span.Start).toMatch(/^\d+\.\d+$/);
      expect(span.Duration).toMatch(/^\d+\.\d+$/);
    }
  }
  expect(Number(match.Detail[0].Input.Duration)).toBeGreaterThan(4);
}, 120_000);
