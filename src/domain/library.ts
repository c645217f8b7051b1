import type { FingerprintBackend, FingerprintModel, LibraryStatus } from "./model.js";

/** A library as the gateway's registry knows it. */
export interface Library {
  /** The gateway's own id (a UUID); the GraphQL layer makes it an opaque global id. */
  id: string;
  tenantId: string;
  backend: FingerprintBackend;
  /** ICE DBId or MPS FpDBId. */
  backendLibraryId: string;
  region: string;
  name: string;
  description: string | null;
  model: FingerprintModel;
  /** MPS Config as the JSON text that was sent; null for ICE. */
  config: string | null;
  status: LibraryStatus;
  /** The backend's own status word, as last seen. */
  rawStatus: string;
  /** The MPS delete job id while a delete is in flight. */
  deleteJobId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** First time the gateway saw it ACTIVE. */
  activatedAt: Date | null;
}
