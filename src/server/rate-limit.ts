/**
 * Operations per tenant per window (rate-limiter-flexible): in Redis when REDIS_URL is set,
 * so the limit holds across instances; in memory otherwise. A refusal is code FORBIDDEN,
 * reason RATE_LIMITED (HTTP 429 with Retry-After). Counted per operation by the operation
 * guard (operation-guard.ts), whichever transport carried it.
 */
import { GraphQLError } from "graphql";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export function createTenantRateLimiter(options: { requests: number; windowSeconds: number; redis?: Redis }): RateLimiterAbstract | null {
  if (options.requests === 0) return null;
  const settings = { points: options.requests, duration: options.windowSeconds, keyPrefix: "fingerprint-gateway:rate" };
  return options.redis ? new RateLimiterRedis({ ...settings, storeClient: options.redis }) : new RateLimiterMemory(settings);
}

/** Counts one operation of the tenant; throws the refusal when the tenant is over its limit. */
export async function countOperation(limiter: RateLimiterAbstract, tenantId: string): Promise<void> {
  try {
    await limiter.consume(tenantId);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection; // the store failed: let it surface
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new GraphQLError(`This tenant sent more than ${limiter.points} operations in ${limiter.duration} s; retry in ${retryAfter} s.`, {
      extensions: {
        code: "FORBIDDEN",
        reason: "RATE_LIMITED",
        retryAfterSeconds: retryAfter,
        http: { status: 429, headers: new Map([["retry-after", String(retryAfter)]]) },
      },
    });
  }
}
