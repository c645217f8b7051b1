/**
 * What the databases cannot store never reaches a backend, a row the database refuses never
 * leaves an orphan on the backend, and a database out of reach answers one code everywhere.
 * On SQLite and PostgreSQL, through GraphQL, against the emulator.
 */
import { createServer, connect as netConnect, type AddressInfo, type Socket } from "node:net";
import { print } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/index.js";
import { announcePostgresqlCoverage, databaseKinds, type TestDatabase } from "../support/databases.js";
import { codes, startHarness as startOn, type Harness } from "../support/gateway-harness.js";
import { CREATE } from "../support/documents.js";
import { rawRun } from "../support/raw-sql.js";

announcePostgresqlCoverage("database trust");

let h: Harness | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await h?.close();
  await database?.drop();
  h = undefined;
  database = undefined;
});

/** Raw SQL on the harness's database, beside the gateway (for triggers that make it refuse). */
async function sql(url: string, statement: string): Promise<void> {
  const db = await connect(parseDatabaseUrl(url), () => {});
  try {
    await rawRun(db, statement);
  } finally {
    await db.close();
  }
}

/** Forwards TCP to `target`'s host and port until cut (then refuses and drops every connection). */
async function tcpRelay(target: URL): Promise<{ url: string; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = netConnect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.port = String((server.address() as AddressInfo).port);
  let cut: Promise<void> | undefined;
  return {
    url: url.toString(),
    cut: () =>
      (cut ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}

const LIST = `query ($filter: FingerprintLibraryFilter) { fingerprintLibraries(filter: $filter) { totalCount nodes { id name } } }`;

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < depth; i += 1) value = { k: value };
  return value;
}

describe.each(databaseKinds)("on $name", (kind) => {
  const start = async () => {
    database = await kind.fresh();
    h = await startOn({ databaseUrl: database.url });
    return h;
  };

  it("refuses text the databases cannot hold as BAD_USER_INPUT, before any backend call", async () => {
    const h = await start();
    const refused: Array<[string, Record<string, unknown>, string]> = [
      ["NUL in name", { name: "bad\u0000name", model: "VIDEO" }, "name"],
      ["lone surrogate in name", { name: "bad\uD800name", model: "VIDEO" }, "name"],
      ["lone low surrogate in name", { name: "\uDC00", model: "VIDEO" }, "name"],
      ["NUL in description", { name: "ok", description: "x\u0000", model: "VIDEO" }, "description"],
      ["NUL in idempotencyKey", { name: "ok", model: "VIDEO", idempotencyKey: "k\u0000" }, "idempotencyKey"],
      ["NUL in a config value", { name: "ok", model: "VIDEO", backend: "MPS", config: { a: "x\u0000" } }, "config"],
      ["lone surrogate in a config key", { name: "ok", model: "VIDEO", backend: "MPS", config: { ["\uD800"]: 1 } }, "config"],
      ["config nested 33 deep", { name: "ok", model: "VIDEO", backend: "MPS", config: nested(33) }, "config"],
      ["config as deep JSON text", { name: "ok", model: "VIDEO", backend: "MPS", config: JSON.stringify(nested(40)) }, "config"],
    ];
    for (const [what, input, field] of refused) {
      const response = await h.gql(CREATE, { input } as never);
      expect(codes(response), what).toEqual(["BAD_USER_INPUT"]);
      expect(response.errors![0].extensions!.field, what).toBe(field);
    }
    // Thousands deep: written by hand (JSON.stringify itself would overflow the test's stack).
    const deep = `{"k":`.repeat(5000) + "1" + "}".repeat(5000);
    const body = `{"query":${JSON.stringify(print(CREATE))},"variables":{"input":{"name":"ok","model":"VIDEO","backend":"MPS","config":${deep}}}}`;
    const response = (await (await h.post(body)).json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    expect(h.emulator.control.state().libraries).toEqual([]);
    // A config of ordinary depth still goes through.
    const fine = await h.gql(CREATE, { input: { name: "fine", model: "VIDEO", backend: "MPS", config: nested(5) } } as never);
    expect(fine.errors).toBeUndefined();
  });

  it("refuses NUL and lone surrogates in list filters as BAD_USER_INPUT instead of matching everything", async () => {
    const h = await start();
    expect((await h.gql(CREATE, { input: { name: "present", model: "VIDEO" } })).errors).toBeUndefined();
    for (const filter of [{ nameContains: "\u0000" }, { nameContains: "a\uD800" }, { region: "cn-\u0000" }, { nameContains: "x".repeat(129) }]) {
      const response = await h.gql(LIST, { filter });
      expect(codes(response), JSON.stringify(filter)).toEqual(["BAD_USER_INPUT"]);
    }
    expect((await h.gql(LIST, { filter: { nameContains: "res" } })).data!.fingerprintLibraries.totalCount).toBe(1);
  });

  it("removes the backend library again when the database refuses its row: nothing orphaned", async () => {
    const h = await start();
    await sql(
      database!.url,
      kind.name === "sqlite"
        ? `CREATE TRIGGER refuse_poison BEFORE INSERT ON "Library" WHEN NEW."name" LIKE 'poison%' BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END`
        : `CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW."name" LIKE 'poison%' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; RETURN NEW; END $$;
           CREATE TRIGGER refuse_poison BEFORE INSERT ON "Library" FOR EACH ROW EXECUTE FUNCTION refuse_poison();`,
    );
    for (const backend of ["ICE", "MPS"] as const) {
      const response = await h.gql(CREATE, { input: { name: `poison ${backend}`, model: "VIDEO", backend, idempotencyKey: `p-${backend}` } });
      expect(codes(response), backend).toEqual(["BACKEND_ERROR"]);
      expect(response.errors![0].message).toMatch(/removed it from/);
    }
    // ICE deletes at once; MPS through a job that finishes after the emulator's delay.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.emulator.control.state().libraries).toEqual([]);
    expect((await h.gql(LIST)).data!.fingerprintLibraries.totalCount).toBe(0);
    const report = await h.gateway.services.recovery.sweep(0);
    expect(report.examined).toBe(0); // both intents FAILED, none left PENDING
  });
});

describe.runIf(databaseKinds.some((k) => k.name === "postgresql"))("PostgreSQL out of reach", () => {
  const kind = databaseKinds.find((k) => k.name === "postgresql")!;

  it("answers DATABASE_UNAVAILABLE, retryable, to list, by-id, refresh and create alike", async () => {
    database = await kind.fresh();
    // The gateway reaches PostgreSQL through a TCP relay the test can cut, as a network would.
    const relay = await tcpRelay(new URL(database.url));
    try {
      h = await startOn({ databaseUrl: relay.url });
      const made = await h.gql(CREATE, { input: { name: "before", model: "VIDEO" } });
      const id = made.data!.createFingerprintLibrary.library.id;
      await relay.cut();
      const answers = {
        list: await h.gql(LIST),
        byId: await h.gql(`query ($id: ID!) { fingerprintLibrary(id: $id) { id } }`, { id }),
        refresh: await h.gql(`mutation ($id: ID!) { refreshFingerprintLibrary(id: $id) { id } }`, { id }),
        create: await h.gql(CREATE, { input: { name: "after", model: "VIDEO" } }),
      };
      for (const [what, response] of Object.entries(answers)) {
        expect(codes(response), what).toEqual(["DATABASE_UNAVAILABLE"]);
        expect(response.errors![0].extensions!.retryable, what).toBe(true);
      }
    } finally {
      await relay.cut();
    }
  }, 60_000);

  it("keeps the intent PENDING and records the library once the database answers again", async () => {
    database = await kind.fresh();
    h = await startOn({ databaseUrl: database.url });
    // SQLSTATE 08006 (connection_failure): what a dropped connection looks like to the gateway.
    await sql(
      database.url,
      `CREATE FUNCTION drop_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW."name" = 'unlucky' THEN RAISE EXCEPTION 'connection lost' USING ERRCODE = '08006'; END IF; RETURN NEW; END $$;
       CREATE TRIGGER drop_poison BEFORE INSERT ON "Library" FOR EACH ROW EXECUTE FUNCTION drop_poison();`,
    );
    const response = await h.gql(CREATE, { input: { name: "unlucky", model: "VIDEO", idempotencyKey: "u-1" } });
    expect(codes(response)).toEqual(["DATABASE_UNAVAILABLE"]);
    const [onBackend] = h.emulator.control.state().libraries;
    expect(onBackend?.name).toBe("unlucky");

    await sql(database.url, `DROP TRIGGER drop_poison ON "Library"`);
    const report = await h.gateway.services.recovery.sweep(0);
    expect(report.adopted).toBe(1);
    const listed = await h.gql(LIST);
    expect(listed.data!.fingerprintLibraries.nodes.map((n: { name: string }) => n.name)).toEqual(["unlucky"]);
    const retried = await h.gql(CREATE, { input: { name: "unlucky", model: "VIDEO", idempotencyKey: "u-1" } });
    expect(retried.data!.createFingerprintLibrary.replayed).toBe(true);
    expect(h.emulator.control.state().libraries).toHaveLength(1);
  });
});
