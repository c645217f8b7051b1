/**
 * The one place LIKE is written: the name filter (`nameContains`: a literal, case-insensitive
 * substring) as SQL, for the page and the count alike.
 *
 *  - The term is a literal: "%", "_" and "\" in it are escaped, and the condition says
 *    ESCAPE '\' (SQLite's LIKE has no escape character unless told; PostgreSQL's default is
 *    backslash, stated anyway).
 *  - SQLite: LIKE is case-insensitive already, for ASCII letters only (without ICU it does not
 *    fold "É" to "é").
 *  - PostgreSQL: `lower(name) LIKE lower(pattern)`, the expression the trigram GIN index
 *    "Library_name_trgm_idx" is built on (see its migration for why an expression), so the
 *    planner can answer it from the index's hits.
 */
import type { Dialect } from "./database.js";

/** LIKE pattern for a literal substring, backslash as the escape character. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The name condition, given the quoted column and the placeholder of containsPattern(term). */
export function nameContainsSql(dialect: Dialect, column: string, placeholder: string): string {
  return dialect === "postgresql"
    ? `lower(${column}) LIKE lower(${placeholder}) ESCAPE '\\'`
    : `${column} LIKE ${placeholder} ESCAPE '\\'`;
}
