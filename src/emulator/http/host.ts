/**
 * Region and HostId from the Host header. A real endpoint looks like
 * `<product>[-vpc].<region>.aliyuncs.com`; clients pointed at the emulator send
 * `127.0.0.1:PORT`, and then the configured region applies.
 */
const ENDPOINT = /^([a-z0-9]+)(-vpc)?\.([a-z0-9]+(?:-[a-z0-9]+)+)\.aliyuncs\.com$/i;

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

/** HostId of error bodies: the endpoint the client used, else the emulated one. */
export function hostIdFor(host: HostInfo, product: string, region: string): string {
  return host.endpoint ?? `${product}.${region}.aliyuncs.com`;
}
