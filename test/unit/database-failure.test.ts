import { describe, expect, it } from "vitest";
import { isDatabaseFailure, isDatabaseUnavailable } from "../../src/store/database-failure.js";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("database failures", () => {
  it("calls unreachable, dropped and timed-out databases unavailable (retryable)", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "57P01", "08006", "53300", "57014", "25P03", "SQLITE_BUSY", "SQLITE_IOERR_WRITE"]) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error("Query read timeout"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    // node's connect error for several addresses, and an error wrapping one.
    expect(isDatabaseUnavailable(Object.assign(new AggregateError([withCode("ECONNREFUSED")]), {}))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: withCode("57P01") }))).toBe(true);
  });

  it("calls a refused statement a failure of the database, but not unavailable", () => {
    const unique = Object.assign(withCode("23505", "duplicate key"), { name: "error", severity: "ERROR" });
    expect(isDatabaseUnavailable(unique)).toBe(false);
    expect(isDatabaseFailure(unique)).toBe(true);
    expect(isDatabaseFailure(Object.assign(withCode("SQLITE_CONSTRAINT_UNIQUE"), { name: "SqliteError" }))).toBe(true);
    expect(isDatabaseFailure(new Error("a bug"))).toBe(false);
  });
});
