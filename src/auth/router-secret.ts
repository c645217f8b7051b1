/**
 * Whether a request comes from the federation router (Apollo Router, Hive Gateway): the
 * router sends ROUTER_SECRET in the ROUTER_SECRET_HEADER header, and only then may it read
 * what a router needs and a tenant must not, the subgraph SDL (`_service`) and inline
 * traces. The router secret is not a tenant credential: the tenant still comes from the
 * Authorization the router forwards.
 *
 * Without a secret configured, the router's privileges follow the introspection policy:
 * with introspection on the schema is public anyway (development), with it off (production)
 * nobody gets them.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export interface RouterSecretSettings {
  routerSecret?: string;
  routerSecretHeader: string;
  /** INTROSPECTION: decides for everyone when no secret is set. */
  introspection: boolean;
}

export class RouterCheck {
  /** The header the secret travels in, lower-case (as node:http names incoming headers). */
  readonly header: string;
  private readonly digest: Buffer | null;
  private readonly openToAll: boolean;

  constructor(settings: RouterSecretSettings) {
    this.header = settings.routerSecretHeader.toLowerCase();
    this.digest = settings.routerSecret ? digestOf(settings.routerSecret) : null;
    this.openToAll = !settings.routerSecret && settings.introspection;
  }

  /** Whether a secret is configured (for the start-up log line). */
  get configured(): boolean {
    return this.digest !== null;
  }

  /** Whether `presented` (the header's value, if any) proves the router. Constant time in the value. */
  proves(presented: string | string[] | undefined): boolean {
    if (this.openToAll) return true;
    if (!this.digest || typeof presented !== "string") return false;
    return timingSafeEqual(this.digest, digestOf(presented));
  }
}

const digestOf = (value: string) => createHash("sha256").update(value, "utf8").digest();
