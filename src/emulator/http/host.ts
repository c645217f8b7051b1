/**
 * Region and HostId of a request. A real endpoint names its region in the host,
 * `<product>[-vpc].<region>.aliyuncs.com`. A client pointed at the emulator's bare
 * `127.0.0.1:PORT` names it in the `x-acs-region-id` header instead (Alibaba's common
 * request header for the region; the official SDKs send it when it is put in
 * `Config.globalParameters.headers`, and ACS3 signs it with the other x-acs-* headers).
 * Neither: the emulator's region setting applies. Libraries are regional, so the region
 * decides what a request can see.
 */
const ENDPOINT = /^([a-z0-9]+)(-vpc)?\.([a-z0-9]+(?:-[a-z0-9]+)+)\.aliyuncs\.com$/i;
const REGION_ID = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

/** The header a client on a local endpoint names its region in. */
export const REGION_HEADER = "x-acs-region-id";

export interface HostInfo {
  /** Region named by the Host header, if it is an Alibaba endpoint. */
  region?: string;
  /** The Host header without port, when it is an Alibaba endpoint. */
  endpoint?: string;
  raw: string;
}

export function parseHost(hostHeader: string | undefined): HostInfo {
  const raw = hostHeader ?? "";
  const name = raw.replace(/:\d+$/, "").toLowerCase();
  const m = ENDPOINT.exec(name);
  return m ? { region: m[3]!, endpoint: name, raw } : { raw };
}

export type RegionChoice = { region: string } | { malformed: string };

/**
 * The region a request is handled in: the endpoint's, else the x-acs-region-id header's,
 * else `fallback`. A regional endpoint wins over the header, as on the real service, where
 * the endpoint is what routes the request.
 */
export function regionOf(host: HostInfo, regionHeader: string | undefined, fallback: string): RegionChoice {
  if (host.region) return { region: host.region };
  if (regionHeader === undefined) return { region: fallback };
  const named = regionHeader.trim().toLowerCase();
  return REGION_ID.test(named) ? { region: named } : { malformed: regionHeader };
}

/** HostId of error bodies: the endpoint the client used, else the emulated one. */
export function hostIdFor(host: HostInfo, product: string, region: string): string {
  return host.endpoint ?? `${product}.${region}.aliyuncs.com`;
}
