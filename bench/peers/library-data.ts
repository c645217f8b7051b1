/**
 * The data layer of the peer servers: the gateway's SQLite file opened READ-ONLY with
 * better-sqlite3, and the same SELECTs as the gateway's two reads (src/store/library-pages.ts)
 * (all scalar columns; WHERE tenantId ORDER BY createdAt, id LIMIT first+1 for the list;
 * WHERE tenantId AND id IN (...) for the DataLoader's by-id read, which the gateway writes
 * as a join on json_each(ids) to take any number of ids), then the same mapping
 * to the API shape (global id, Date objects, parsed config). So the peers do the same
 * database work as the gateway.
 */
import Database from "better-sqlite3";
import { readFileSync } from "node:fs";
import { GraphQLScalarType, buildSchema, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { DateTimeResolver, JSONResolver } from "graphql-scalars";

const COLUMNS =
  "id, tenantId, backend, backendLibraryId, region, name, description, model, config, status, rawStatus, deleteJobId, createdAt, updatedAt, activatedAt, nextCheckAt, checkCount, shard";

interface Row {
  id: string;
  tenantId: string;
  backend: string;
  backendLibraryId: string;
  region: string;
  name: string;
  description: string | null;
  model: string;
  config: string | null;
  status: string;
  rawStatus: string;
  createdAt: string | number;
  updatedAt: string | number;
  activatedAt: string | number | null;
}

const toDate = (v: string | number | null) => (v === null ? null : new Date(typeof v === "number" ? v : v.includes("T") || v.includes("-") ? v : Number(v)));
const toGlobalId = (id: string) => Buffer.from(`FingerprintLibrary:${id}`, "utf8").toString("base64url");
function fromGlobalId(globalId: string): string | null {
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || decoded.slice(0, colon) !== "FingerprintLibrary") return null;
  return decoded.slice(colon + 1);
}

function toApi(row: Row) {
  return {
    id: toGlobalId(row.id),
    backend: row.backend,
    backendLibraryId: row.backendLibraryId,
    region: row.region,
    name: row.name,
    description: row.description,
    model: row.model,
    config: row.config === null ? null : JSON.parse(row.config),
    status: row.status,
    rawStatus: row.rawStatus,
    createdAt: toDate(row.createdAt),
    updatedAt: toDate(row.updatedAt),
    activatedAt: toDate(row.activatedAt),
  };
}

/** The SDL of schema/schema.graphql, executable with plain resolvers over the SQLite file. */
export function buildPeerSchema(sdlFile: string, databaseFile: string, tenantId: string): GraphQLSchema {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  const list = db.prepare(`SELECT ${COLUMNS} FROM Library WHERE tenantId = ? ORDER BY createdAt ASC, id ASC LIMIT ?`);
  const byId = db.prepare(`SELECT ${COLUMNS} FROM Library WHERE tenantId = ? AND id IN (?)`);
  const count = db.prepare(`SELECT COUNT(*) AS n FROM Library WHERE tenantId = ?`);

  const schema = buildSchema(readFileSync(sdlFile, "utf8"));
  const query = schema.getQueryType()!;
  const fields = query.getFields();
  const resolvers: Record<string, GraphQLFieldResolver<unknown, unknown, any>> = {
    fingerprintLibraries: (_root, args: { first?: number | null }) => {
      const first = args.first ?? 20;
      const rows = list.all(tenantId, first + 1) as Row[];
      const nodes = rows.slice(0, first).map(toApi);
      const edges = nodes.map((node) => ({ cursor: node.id, node }));
      return {
        edges,
        nodes,
        totalCount: () => (count.get(tenantId) as { n: number }).n,
        pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      };
    },
    fingerprintLibrary: (_root, args: { id: string }) => {
      const id = fromGlobalId(args.id);
      if (id === null) return null;
      const row = byId.get(tenantId, id) as Row | undefined;
      return row ? toApi(row) : null;
    },
    node: (_root, args: { id: string }) => {
      const id = fromGlobalId(args.id);
      const row = id === null ? undefined : (byId.get(tenantId, id) as Row | undefined);
      return row ? { ...toApi(row), __typename: "FingerprintLibrary" } : null;
    },
  };
  for (const [name, resolve] of Object.entries(resolvers)) fields[name].resolve = resolve;
  const connection = schema.getType("FingerprintLibraryConnection") as GraphQLObjectType;
  connection.getFields().totalCount.resolve = (source: { totalCount: () => number }) => source.totalCount();
  // The same scalar implementations the gateway uses (graphql-scalars).
  for (const [name, impl] of [["DateTime", DateTimeResolver], ["JSON", JSONResolver]] as const) {
    const scalar = schema.getType(name) as GraphQLScalarType;
    scalar.serialize = impl.serialize;
    scalar.parseValue = impl.parseValue;
    scalar.parseLiteral = impl.parseLiteral;
  }
  const node = schema.getType("Node") as unknown as { resolveType: () => string };
  node.resolveType = () => "FingerprintLibrary";
  return schema;
}
