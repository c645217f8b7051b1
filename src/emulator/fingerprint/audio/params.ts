/**
 * The audio engine's parameters. Changing any of the analysis values changes every hash:
 * fingerprints made before and after do not match (the format version says so).
 */
export const AUDIO_FORMAT_VERSION = 1;

/** Analysis rate: landmarks live below 4 kHz, which survives MP3/AAC and telephone-grade copies. */
export const SAMPLE_RATE = 8000;
/** 64 ms Hann window: 15.6 Hz per frequency bin. */
export const FFT_SIZE = 512;
/** 16 ms between frames: a copy's landmarks line up within one frame whatever sample it starts on. */
export const HOP = 128;
export const FRAME_SECONDS = HOP / SAMPLE_RATE;

/** Bins below ~90 Hz (hum, DC) carry no landmarks. */
export const MIN_BIN = 6;
/** A peak is the maximum of its (2 * PEAK_FREQ_RADIUS + 1) x (2 * PEAK_TIME_RADIUS + 1) neighbourhood. */
export const PEAK_FREQ_RADIUS = 6;
export const PEAK_TIME_RADIUS = 4;
/** A peak stands this many dB above its bin's mean over the time neighbourhood (no flat ridges). */
export const PEAK_PROMINENCE_DB = 3;
/** Peaks more than this many dB under the loudest cell of the input are noise floor. */
export const PEAK_DYNAMIC_RANGE_DB = 45;
/** Loudest peaks kept per block: about 40 peaks a second. */
export const PEAKS_PER_BLOCK = 20;
export const BLOCK_FRAMES = 31;

/** Each anchor pairs with up to FAN_OUT later peaks within TARGET_MAX_DT frames and TARGET_MAX_DF bins. */
export const FAN_OUT = 6;
export const TARGET_MAX_DT = 63;
export const TARGET_MAX_DF = 63;

/** Refuse to decode more than this much audio (one hour): the emulator is not a transcoder. */
export const MAX_AUDIO_SECONDS = 3600;
export const DECODE_TIMEOUT_MS = 120_000;
