/** ali-oss clients pointed at a running emulator, in the two host forms and two signing versions. */
import OSS from "ali-oss";
import type { EmulatorAccount, RunningEmulator } from "../../src/emulator/index.js";
import { ALICE } from "./helpers.js";

export interface OssClientOptions {
  account?: EmulatorAccount;
  bucket?: string;
  /** `oss-cn-shanghai` style; ali-oss's default is oss-cn-hangzhou. */
  region?: string;
  /** Sign with OSS4-HMAC-SHA256 instead of V1. */
  v4?: boolean;
  /** Path-style `/bucket/key` instead of the bucket in the Host header. */
  sld?: boolean;
  /** Default the IP endpoint http://127.0.0.1:PORT; `localhost` for signatureUrl (refused on IPs). */
  hostname?: string;
}

export function ossClient(emu: RunningEmulator, o: OssClientOptions = {}): OSS {
  const account = o.account ?? ALICE;
  return new OSS({
    accessKeyId: account.accessKeyId,
    accessKeySecret: account.accessKeySecret,
    endpoint: `http://${o.hostname ?? "127.0.0.1"}:${emu.port}`,
    region: o.region ?? "oss-cn-shanghai",
    ...(o.bucket !== undefined ? { bucket: o.bucket } : {}),
    ...(o.v4 ? { authorizationV4: true } : {}),
    ...(o.sld ? { sldEnable: true } : {}),
    secure: false,
    timeout: 20_000,
  } as OSS.Options);
}
