/**
 * Peer server: fastify + mercurius with graphql-jit (jit: 1, compiled from the first hit),
 * serving schema/schema.graphql with plain resolvers over the gateway's SQLite file
 * (read-only). argv: <port> <sqlite file> <tenant>. Prints "peer ready". Binds 127.0.0.1.
 */
import Fastify from "fastify";
import mercurius from "mercurius";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPeerSchema } from "./library-data.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const [port, databaseFile, tenant] = process.argv.slice(2);
const schema = buildPeerSchema(join(ROOT, "schema", "schema.graphql"), databaseFile, tenant);
const app = Fastify({ logger: false });
await app.register(mercurius, { schema, path: "/graphql", jit: 1, graphiql: false });
await app.listen({ port: Number(port), host: "127.0.0.1" });
console.log("peer ready");
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
