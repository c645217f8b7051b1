/**
 * A finished job's matches, ranked with the caller's threshold the same way on both
 * services: MPS answers them inline; ICE answers a URL (`DNAResult`) whose document is
 * fetched through the SSRF-safe ResultDocumentFetcher and read by match-results.ts.
 */
import { rankMatches, searches, type FingerprintJob, type FingerprintMatch } from "../domain/job.js";
import type { BackendJobResult } from "../backends/content-port.js";
import { matchesFromDnaDocument } from "../backends/match-results.js";
import type { ResultDocumentFetcher } from "../backends/result-document-fetcher.js";

export class JobResultReader {
  constructor(private readonly fetcher: Pick<ResultDocumentFetcher, "fetch">) {}

  /** Throws the fetcher's GatewayError (reason RESULT_*) when ICE's document cannot be read. */
  async matches(job: Pick<FingerprintJob, "kind" | "mode" | "similarityThreshold">, result: BackendJobResult): Promise<FingerprintMatch[]> {
    // A SAVE searches nothing: whatever the backend lists is not a match the caller asked for.
    if (job.kind !== "FINGERPRINT" || !job.mode || !searches(job.mode)) return [];
    if (result.kind === "inline") return rankMatches(result.matches, job.similarityThreshold);
    if (result.kind === "url") return rankMatches(matchesFromDnaDocument(await this.fetcher.fetch(result.url)), job.similarityThreshold);
    return [];
  }
}
