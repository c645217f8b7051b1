/** The models the fingerprint bench runs, in order. One line per kind's module. */
import type { BenchModel } from "./model.js";

export async function benchModels(): Promise<BenchModel[]> {
  return [
    ...(await import("./text.js")).models,
    ...(await import("./image.js")).models,
    ...(await import("./audio.js")).models,
    ...(await import("./video.js")).models,
  ];
}
