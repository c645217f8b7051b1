/**
 * Peer server: graphql-yoga on node:http, serving schema/schema.graphql with plain resolvers
 * over the gateway's SQLite file (read-only). argv: <port> <sqlite file> <tenant>.
 * Prints "peer ready" when listening. Bench only; binds 127.0.0.1.
 */
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPeerSchema } from "./library-data.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const [port, databaseFile, tenant] = process.argv.slice(2);
const schema = buildPeerSchema(join(ROOT, "schema", "schema.graphql"), databaseFile, tenant);
// Loaded without its types on purpose: graphql-yoga's declarations pull in the DOM lib
// (fetch API types), which would change how the gateway's own src type-checks.
const yogaModule = "graphql-yoga";
const { createYoga } = (await import(yogaModule)) as { createYoga: (options: Record<string, unknown>) => Parameters<typeof createServer>[1] };
const yoga = createYoga({ schema, graphqlEndpoint: "/graphql", logging: false, graphiql: false, landingPage: false });
const server = createServer(yoga);
server.listen(Number(port), "127.0.0.1", () => console.log("peer ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
