/** Starts apollo-floor-child.ts and sends it the gateway path's submit, like a client would. */
import { join } from "node:path";
import type { RpcCredentials } from "../../src/backends/signed-rpc-client.js";
import { forkChild } from "./forked-child.js";
import { ROOT } from "./gateway-child.js";
import type { JsonPoster } from "./json-poster.js";
import { BUCKET, OBJECT, type SubmitBackend } from "./submit-wire.js";

const SUBMIT = `mutation BenchSubmit($input: SubmitFingerprintJobInput!) { submitFingerprintJob(input: $input) { replayed job { id backendJobId status primaryKey } } }`;

export interface ApolloFloor {
  register(backendLibraryId: string, backend: SubmitBackend): Promise<void>;
  submit(backendLibraryId: string, primaryKey: string, idempotencyKey: string): Promise<void>;
  close(): Promise<void>;
}

export async function startApolloFloor(options: { endpoint: string; region: string; credentials: RpcCredentials; post: JsonPoster }): Promise<ApolloFloor> {
  const { post, ...init } = options;
  const child = await forkChild<{ url: string }>(join(ROOT, "dist", "bench", "lib", "apollo-floor-child.js"), init);
  return {
    register: (backendLibraryId, backend) => child.call("register", backendLibraryId, backend),
    async submit(backendLibraryId, primaryKey, idempotencyKey) {
      const input = { libraryId: backendLibraryId, mode: "SAVE", primaryKey, media: { oss: { bucket: BUCKET, object: OBJECT } }, idempotencyKey };
      const { status, body } = await post(child.ready.url, { query: SUBMIT, variables: { input } });
      if (status !== 200 || body.errors || !body.data?.submitFingerprintJob?.job?.backendJobId) throw new Error(`the Apollo floor answered HTTP ${status}: ${JSON.stringify(body.errors ?? body)}`);
    },
    close: () => child.stop(),
  };
}
