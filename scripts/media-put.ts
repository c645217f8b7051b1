/**
 * `npm run media:put -- ./clip.mp4`: puts a local file into the OSS stand-in of the emulator
 * that a gateway started with `npm start` (embedded mode) runs in-process, the way a real
 * client puts media into Alibaba Cloud OSS (ali-oss, signed requests), and prints the
 * `media: { oss: { ... } }` to submit it with, plus a ready-to-paste mutation.
 *
 *   npm run media:put -- ./clip.mp4
 *   npm run media:put -- ./clip.mp4 --bucket media --object videos/clip.mp4 --library <FingerprintLibrary id>
 *   npm run media:put -- ./clip.mp4 --gateway http://localhost:4000 --json
 *
 * The emulator's port is random unless EMULATOR_PORT is set, so the script asks the gateway
 * (GET /emulator, served in embedded mode only). Exit codes: 0 stored; 1 the file or the
 * upload failed; 2 bad arguments; 3 no embedded gateway or emulator to put it into.
 */
import { basename, resolve } from "node:path";
import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import OSS from "ali-oss";
import { DEFAULT_DEV_ACCOUNT } from "../src/emulator/options.js";

const USAGE = `usage: npm run media:put -- <file> [--bucket NAME] [--object KEY] [--library ID] [--gateway URL] [--json]

Puts <file> into the OSS of the emulator a gateway in embedded mode (npm start without cloud
credentials) runs, and prints the media input and a submitFingerprintJob mutation to use it.
  --bucket   OSS bucket, made if missing (default: media)
  --object   object key (default: uploads/<file name>)
  --library  a FingerprintLibrary id to put in the printed mutation
  --gateway  the gateway's base URL (default: $GATEWAY_URL, else http://localhost:$PORT or :4000)
  --json     print {bucket, object, location, size, media, mutation} as JSON`;

/** Above this, ali-oss's multipart upload (parts of PART_SIZE): one request body stays small. */
const MULTIPART_FROM_BYTES = 64 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const REQUEST_TIMEOUT_MS = 5_000;

class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface EmulatorInfo {
  url: string;
  region: string;
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        bucket: { type: "string", default: "media" },
        object: { type: "string" },
        library: { type: "string" },
        gateway: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new ExitError(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) throw new ExitError(`name exactly one file to put.\n\n${USAGE}`, 2);
  const bucket = values.bucket!;
  if (!BUCKET.test(bucket)) throw new ExitError(`--bucket "${bucket}" is not an OSS bucket name: 3 to 63 lowercase letters, digits and '-'.`, 2);
  // `npm run` starts scripts in the package folder; INIT_CWD is where the user typed the command.
  const path = resolve(env.INIT_CWD ?? process.cwd(), positionals[0]!);
  const object = values.object ?? `uploads/${basename(path)}`;
  if (object === "" || object.startsWith("/") || Buffer.byteLength(object) > 1023) {
    throw new ExitError(`--object "${object}" is not an OSS object key: 1 to 1023 bytes, not starting with '/'.`, 2);
  }

  const file = await stat(path).catch(() => null);
  if (!file) throw new ExitError(`${positionals[0]} does not exist (looked for ${path}).`, 1);
  if (!file.isFile()) throw new ExitError(`${positionals[0]} is not a regular file.`, 1);

  const gateway = (values.gateway ?? env.GATEWAY_URL ?? `http://localhost:${env.PORT || "4000"}`).replace(/\/+$/, "");
  const emulator = await findEmulator(gateway);
  const maxBytes = await emulatorObjectLimit(emulator.url);
  if (maxBytes !== null && file.size > maxBytes) {
    throw new ExitError(`${positionals[0]} is ${file.size} bytes; the emulator's OSS takes objects of at most ${maxBytes} bytes (ossMaxObjectBytes).`, 1);
  }

  const location = `oss-${emulator.region}`;
  const oss = new OSS({
    accessKeyId: DEFAULT_DEV_ACCOUNT.accessKeyId,
    accessKeySecret: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    endpoint: emulator.url,
    region: location,
    bucket,
    secure: false,
    timeout: 60_000,
  });
  try {
    // Succeeds and changes nothing when the bucket is already ours, so the script can be re-run.
    await oss.putBucket(bucket);
    if (file.size >= MULTIPART_FROM_BYTES) await oss.multipartUpload(object, path, { partSize: PART_SIZE });
    else await oss.put(object, path);
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    throw new ExitError(`the emulator's OSS refused the upload: ${e.code ?? e.name ?? "error"}: ${e.message ?? String(error)}`, 1);
  }

  const media = { oss: { bucket, object, location } };
  const primaryKey = basename(path).replace(/[^A-Za-z0-9._:@/+=-]/g, "-").slice(0, 128) || "media";
  const mutation = submitMutation(values.library ?? "<FingerprintLibrary id>", media.oss, primaryKey);
  if (values.json) {
    console.log(JSON.stringify({ bucket, object, location, size: file.size, media, mutation }, null, 2));
    return;
  }
  console.log(`Stored ${positionals[0]} (${file.size} bytes) in the embedded emulator's OSS (${emulator.url}):
  bucket:   ${bucket}
  object:   ${object}
  location: ${location}

Use it as the media of a job or a search:
  media: { oss: { bucket: ${JSON.stringify(bucket)}, object: ${JSON.stringify(object)}, location: ${JSON.stringify(location)} } }

Ready to paste into GraphiQL (${gateway}/graphiql)${values.library ? "" : ", with your library's id"}:
${mutation}`);
}

function submitMutation(libraryId: string, oss: { bucket: string; object: string; location: string }, primaryKey: string): string {
  return `mutation {
  submitFingerprintJob(input: {
    libraryId: ${JSON.stringify(libraryId)}
    mode: SAVE
    primaryKey: ${JSON.stringify(primaryKey)}
    media: { oss: { bucket: ${JSON.stringify(oss.bucket)}, object: ${JSON.stringify(oss.object)}, location: ${JSON.stringify(oss.location)} } }
  }) {
    job { id status }
    replayed
  }
}`;
}

async function findEmulator(gateway: string): Promise<EmulatorInfo> {
  let response: Response;
  try {
    response = await fetch(`${gateway}/emulator`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ExitError(
      `no gateway answers at ${gateway} (${causeOf(error)}). Start one with \`npm start\` (embedded mode: no ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET), or pass --gateway URL.`,
      3,
    );
  }
  if (response.status === 404) {
    throw new ExitError(
      `the gateway at ${gateway} runs no embedded emulator (it is in cloud mode, calling Alibaba Cloud). Put media into your own OSS bucket with ali-oss or ossutil instead.`,
      3,
    );
  }
  const body = (await response.json().catch(() => null)) as Partial<EmulatorInfo> | null;
  if (!response.ok || typeof body?.url !== "string" || typeof body.region !== "string") {
    throw new ExitError(`${gateway}/emulator answered HTTP ${response.status} without the emulator's address; is ${gateway} a fingerprint gateway?`, 3);
  }
  try {
    const health = await fetch(`${body.url}/_emulator/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (!health.ok) throw new Error(`HTTP ${health.status}`);
  } catch (error) {
    throw new ExitError(`the gateway's emulator at ${body.url} does not answer (${causeOf(error)}); restart the gateway.`, 3);
  }
  return { url: body.url, region: body.region };
}

/** The emulator's object size limit, so a too-big file is refused before a byte is sent. */
async function emulatorObjectLimit(url: string): Promise<number | null> {
  const response = await fetch(`${url}/_emulator/settings`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch(() => null);
  const settings = (await response?.json().catch(() => null)) as { ossMaxObjectBytes?: unknown } | null;
  return typeof settings?.ossMaxObjectBytes === "number" ? settings.ossMaxObjectBytes : null;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  if (error instanceof ExitError) {
    console.error(`media:put: ${error.message}`);
    process.exitCode = error.exitCode;
  } else {
    console.error(`media:put: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
});
