/**
 * Where each content operation is offered (specs/alibaba-fingerprint-content-apis.md).
 * A request handled elsewhere is refused with InvalidParameter.RegionNotSupported.
 */
import { regionNotSupported } from "../errors.js";

const BJ_HZ_SH = ["cn-beijing", "cn-hangzhou", "cn-shanghai"] as const;

export const REGIONS = {
  SubmitDNAJob: BJ_HZ_SH,
  SubmitFpShotJob: [...BJ_HZ_SH, "ap-southeast-1", "me-central-1"],
  ListFpShotFiles: [...BJ_HZ_SH, "ap-southeast-1"],
  ListFpShotFilesTimeWindow: BJ_HZ_SH,
  SubmitFpFileDeleteJob: [...BJ_HZ_SH, "ap-southeast-1"],
  SubmitFpFileDeleteJobPrimaryKeys: BJ_HZ_SH,
  Text: ["cn-shanghai"],
} as const satisfies Record<string, readonly string[]>;

export function checkRegion(region: string, allowed: readonly string[], what: string): void {
  if (!allowed.includes(region)) {
    throw regionNotSupported(`${what} is available in ${allowed.join(", ")} only; this request was handled in ${region}.`);
  }
}
