/** The video engine's parameters. Changing the sampling or the hash changes every fingerprint. */
export const VIDEO_FORMAT_VERSION = 1;

/** Frames sampled per second of video. */
export const FRAME_RATE = 4;
/** Frames are scaled (aspect ignored) to SIZE x SIZE grayscale before the DCT. */
export const SIZE = 32;
/** The hash keeps the lowest HASH_BLOCK x HASH_BLOCK DCT coefficients (less the DC term). */
export const HASH_BLOCK = 8;
/**
 * Frames whose pixels (after scaling) deviate less than this many gray levels from their
 * mean are flat (black, a solid colour, a fade): their hash bits are compression noise and
 * are never indexed or searched.
 */
export const FLAT_DEVIATION = 2;

/** The 64-bit hash is split into BANDS bands; a stored frame is a candidate when one band is equal. */
export const BANDS = 8;
/** Candidate frames further apart than this many bits do not vote. */
export const MAX_HAMMING = 14;

export const MAX_VIDEO_SECONDS = 3600;
export const DECODE_TIMEOUT_MS = 300_000;
