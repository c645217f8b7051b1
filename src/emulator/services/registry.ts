/** Both services on one port: the Version picks the service, the Action its handler. */
import { iceService } from "./ice.js";
import { mpsService } from "./mps.js";
import type { ServiceDefinition } from "./types.js";

export const SERVICES: readonly ServiceDefinition[] = [iceService, mpsService];

export function serviceForVersion(version: string): ServiceDefinition | undefined {
  return SERVICES.find((s) => s.info.version === version);
}
