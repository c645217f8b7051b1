// Prisma 7 model calls against the gateway's store (hand SQL) and Prisma 6.19 model calls, on the
// same database: the measurement behind docs/design-store.md ("Prisma 7: measured"). Not part of
// the build or of npm run bench, and it needs Prisma 7 installed OUTSIDE the project:
//   mkdir /tmp/prisma7 && cd /tmp/prisma7 && echo '{"type":"module"}' > package.json
//   npm install --ignore-scripts prisma@7 @prisma/client@7 @prisma/adapter-better-sqlite3@7 @prisma/adapter-pg@7
//   rm -rf node_modules/better-sqlite3 && ln -s <project>/node_modules/better-sqlite3 node_modules/
//   copy prisma/models.prisma to schema/{sqlite,postgresql}/ with a datasource + `prisma-client` generator
//   (output ../../generated/<kind>), then: PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate
//   and compile generated/ to out/ with the project's tsc; copy this file there as measure.mjs.
//   GATEWAY_DIST=<project>/dist node measure.mjs sqlite|postgresql   (ROWS, N_READ, N_CREATE)
import { randomUUID } from "node:crypto";
import pg from "pg";
import Database from "better-sqlite3";
const W = process.env.GATEWAY_DIST ?? new URL("../dist", import.meta.url).pathname; // the project built with tsc -p tsconfig.build.json
const { openStore } = await import(`${W}/src/store/index.js`);
const { connect } = await import(`${W}/src/store/client.js`);
const { parseDatabaseUrl } = await import(`${W}/src/store/database-url.js`);
const { toLibrary } = await import(`${W}/src/store/mapping.js`);
const { shardOf } = await import(`${W}/src/domain/model.js`);
const { seedPostgres, seedSqlite } = await import(`${W}/bench/lib/seed-libraries.js`);

const kind = process.argv[2] ?? "sqlite";
const ROWS = Number(process.env.ROWS ?? 10000);
const N_READ = Number(process.env.N_READ ?? 1500);
const N_CREATE = Number(process.env.N_CREATE ?? 300);
const schema = `p7_${randomUUID().slice(0, 8)}`;
const url = kind === "sqlite" ? `file:${process.cwd()}/${schema}.db` : `postgresql://postgres@127.0.0.1:5432/test?schema=${schema}`;

// The database, migrated by the gateway's store and seeded like bench:scale.
{ const s = await openStore({ databaseUrl: url }); await s.close(); }
if (kind === "sqlite") { const db = new Database(url.slice(5)); seedSqlite(db, ROWS); db.close(); }
else { const c = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/test", options: `-c search_path=${schema}` }); await c.connect(); await seedPostgres(c, ROWS); await c.end(); }

const store = await openStore({ databaseUrl: url });           // today's gateway store (Prisma 6.19 + hand SQL)
const p6 = await connect(parseDatabaseUrl(url), () => {});       // Prisma 6.19 client, model calls
let p7, p7pool;
if (kind === "sqlite") {
  const { PrismaClient } = await import("./out/sqlite/client.js");
  const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
  p7 = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: url }) });
} else {
  const { PrismaClient } = await import("./out/postgresql/client.js");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  p7pool = new pg.Pool({ connectionString: "postgresql://postgres@127.0.0.1:5432/test", options: `-c search_path=${schema}` });
  p7 = new PrismaClient({ adapter: new PrismaPg(p7pool, { schema }) });
}

const tenantId = "default";
const mid = await store.libraries.list(tenantId, {}, 1, undefined);
const all = (await p7.library.findMany({ where: { tenantId }, select: { id: true, createdAt: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: Math.floor(ROWS / 2), take: 1 }))[0];
const cursor = { createdAt: all.createdAt, id: all.id };
const filter = { backend: "ICE", status: "ACTIVE" };
const ids = (await p7.library.findMany({ where: { tenantId }, select: { id: true }, take: 20, skip: 100 })).map((r) => r.id);

const pageWhere = { tenantId, ...filter, OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] };
const modelPage = (db) => db.library.findMany({ where: pageWhere, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 51 }).then((rows) => rows.map(toLibrary));
const modelByIds = (db) => db.library.findMany({ where: { tenantId, id: { in: ids } } }).then((rows) => rows.map(toLibrary));

let serial = 0;
async function modelCreate(db) {
  const now = new Date(); const id = randomUUID(); const n = ++serial;
  await db.createIntent.create({ data: { id, tenantId, idempotencyKey: `k7-${n}-${id}`, inputHash: "h", state: "PENDING", input: "{}", region: "cn-shanghai", createdAt: now, updatedAt: now } });
  await db.createIntent.updateMany({ where: { id }, data: { backend: "ICE", updatedAt: new Date() } });
  await db.createIntent.updateMany({ where: { id }, data: { backendLibraryId: `b7-${n}-${id}`, updatedAt: new Date() } });
  const libId = randomUUID(); const t = new Date();
  await db.$transaction(async (tx) => {
    await tx.library.create({ data: { id: libId, shard: shardOf(libId), tenantId, backend: "ICE", backendLibraryId: `b7-${n}-${id}`, region: "cn-shanghai", name: `made ${n}`, description: null, model: "VIDEO", config: null, status: "OFFLINE", rawStatus: "offline", activatedAt: null, createdAt: t, updatedAt: t } });
    const { count } = await tx.createIntent.updateMany({ where: { id }, data: { state: "SUCCEEDED", libraryId: libId, backend: "ICE", backendLibraryId: `b7-${n}-${id}`, errorCode: null, errorMessage: null, updatedAt: t } });
    if (count !== 1) throw new Error("intent missing");
  });
}
async function modelCreateBatch(db) {
  const now = new Date(); const id = randomUUID(); const n = ++serial;
  await db.createIntent.create({ data: { id, tenantId, idempotencyKey: `k7b-${n}-${id}`, inputHash: "h", state: "PENDING", input: "{}", region: "cn-shanghai", createdAt: now, updatedAt: now } });
  await db.createIntent.updateMany({ where: { id }, data: { backend: "ICE", updatedAt: new Date() } });
  await db.createIntent.updateMany({ where: { id }, data: { backendLibraryId: `b7b-${n}-${id}`, updatedAt: new Date() } });
  const libId = randomUUID(); const t = new Date();
  await db.$transaction([
    db.library.create({ data: { id: libId, shard: shardOf(libId), tenantId, backend: "ICE", backendLibraryId: `b7b-${n}-${id}`, region: "cn-shanghai", name: `made ${n}`, description: null, model: "VIDEO", config: null, status: "OFFLINE", rawStatus: "offline", activatedAt: null, createdAt: t, updatedAt: t } }),
    db.createIntent.updateMany({ where: { id }, data: { state: "SUCCEEDED", libraryId: libId, backend: "ICE", backendLibraryId: `b7b-${n}-${id}`, errorCode: null, errorMessage: null, updatedAt: t } }),
  ]);
}
async function handCreate() {
  const n = ++serial;
  const { intent } = await store.intents.claim({ tenantId, idempotencyKey: `kh-${n}-${randomUUID()}`, inputHash: "h", input: "{}", region: "cn-shanghai" });
  await store.intents.markCalling(intent.id, "ICE");
  await store.intents.markBackendCreated(intent.id, `bh-${n}`);
  await store.intents.complete(intent.id, { tenantId, backend: "ICE", backendLibraryId: `bh-${n}-${intent.id}`, region: "cn-shanghai", name: `made ${n}`, description: null, model: "VIDEO", config: null, status: "OFFLINE", rawStatus: "offline" });
}

async function time(label, n, op) {
  for (let i = 0; i < Math.min(200, n); i++) await op();
  const cpu0 = process.cpuUsage(); const t0 = performance.now(); const each = [];
  for (let i = 0; i < n; i++) { const s = performance.now(); await op(); each.push(performance.now() - s); }
  const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
  each.sort((a, b) => a - b);
  const r = { label, n, meanMs: +(wall / n).toFixed(3), medianMs: +each[Math.floor(n / 2)].toFixed(3), cpuMsPerOp: +((cpu.user + cpu.system) / 1000 / n).toFixed(3) };
  console.log(JSON.stringify(r));
  return r;
}

// Same answers first.
const a = JSON.stringify((await store.libraries.list(tenantId, filter, 50, cursor)).items.map((l) => l.id));
const b = JSON.stringify((await modelPage(p7)).slice(0, 50).map((l) => l.id));
if (a !== b) throw new Error("page differs");
const out = [];
for (let round = 0; round < 2; round++) {
  out.push(await time(`${kind} page50 filtered+cursor: hand SQL (today)`, N_READ, () => store.libraries.list(tenantId, filter, 50, cursor)));
  out.push(await time(`${kind} page50 filtered+cursor: Prisma 7.10 findMany`, N_READ, () => modelPage(p7)));
  out.push(await time(`${kind} page50 filtered+cursor: Prisma 6.19 findMany`, N_READ, () => p6.use((db) => modelPage(db))));
  out.push(await time(`${kind} byIds(20): hand SQL (today)`, N_READ, () => store.libraries.findManyByIds(tenantId, ids)));
  out.push(await time(`${kind} byIds(20): Prisma 7.10 findMany`, N_READ, () => modelByIds(p7)));
  out.push(await time(`${kind} byIds(20): Prisma 6.19 findMany`, N_READ, () => p6.use((db) => modelByIds(db))));
  out.push(await time(`${kind} create path (4 writes): hand SQL (today)`, N_CREATE, handCreate));
  out.push(await time(`${kind} create path (4 writes): Prisma 7.10 model calls`, N_CREATE, () => modelCreate(p7)));
  out.push(await time(`${kind} create path (4 writes): Prisma 7.10 model calls, batch transaction`, N_CREATE, () => modelCreateBatch(p7)));
  out.push(await time(`${kind} create path (4 writes): Prisma 6.19 model calls`, N_CREATE, () => p6.use((db) => modelCreate(db))));
}
await store.close(); await p6.close(); await p7.$disconnect(); await p7pool?.end();
if (kind === "postgresql") { const c = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/test" }); await c.connect(); await c.query(`DROP SCHEMA "${schema}" CASCADE`); await c.end(); }
else { for (const s of ["", "-wal", "-shm"]) { try { (await import("node:fs")).rmSync(url.slice(5) + s); } catch {} } }
(await import("node:fs")).writeFileSync(`result-${kind}.json`, JSON.stringify(out, null, 1));
process.exit(0);
