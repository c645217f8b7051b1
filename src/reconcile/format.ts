/** A reconcile report as text a person reads in a terminal: a summary, then one table per list. */
import type { ReconcileReport } from "./reconciler.js";

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

const clip = (text: string, max = 100) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function formatReport(report: ReconcileReport): string {
  const parts: string[] = [];
  parts.push(
    table(
      ["what", "count"],
      [
        ["registry rows read", report.scanned],
        ["libraries checked on their backend", report.checked],
        ["repaired", report.repaired.length],
        ["stale create intents examined", report.intents.examined],
        ["  adopted (library found on the backend)", report.intents.adopted],
        ["  marked failed (nothing was made)", report.intents.markedFailed],
        ["stale job submits examined", report.jobSubmits.examined],
        ["  adopted (job found on the backend)", report.jobSubmits.adopted],
        ["  refused (nothing reached the backend)", report.jobSubmits.refused],
        ["backend libraries listed", report.backendLibrariesListed],
        ["orphans (on a backend, in no registry)", report.orphans.length],
        ["unresolved", report.unresolved.length],
        ["complete", report.complete ? "yes" : "no"],
        ["duration", `${report.durationMs} ms`],
      ],
    ),
  );
  if (report.repaired.length > 0) {
    parts.push(
      "Repaired:\n" +
        table(
          ["library", "tenant", "backend", "region", "backend id", "was", "now"],
          report.repaired.map((r) => [r.libraryId, r.tenantId, r.backend, r.region, r.backendLibraryId, `${r.from.status} (${r.from.rawStatus})`, `${r.to.status} (${r.to.rawStatus})`]),
        ),
    );
  }
  if (report.orphans.length > 0) {
    parts.push(
      "Orphans (not imported: importFingerprintLibrary(backend, backendLibraryId, region) adopts one for the calling tenant):\n" +
        table(
          ["account", "backend", "region(s)", "backend id", "name", "model", "status"],
          report.orphans.map((o) => [o.account, o.backend, o.regions.join(","), o.backendLibraryId, clip(o.name, 40), o.model, `${o.status} (${o.rawStatus})`]),
        ),
    );
  }
  if (report.unresolved.length > 0) {
    parts.push("Unresolved:\n" + table(["kind", "subject", "reason"], report.unresolved.map((u) => [u.kind, u.subject, clip(u.reason, 140)])));
  }
  return parts.join("\n\n");
}
