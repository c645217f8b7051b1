import type { ContentRuntime } from "../content/runtime.js";
import type { EmulatorSettings } from "../settings.js";
import type { EmulatorState } from "../state.js";
import type { ProductInfo } from "./actions.js";

/** Everything an action handler may look at; handlers never touch HTTP. */
export interface ActionContext {
  /** Business parameters: query string merged with a form body (body wins). */
  params: ReadonlyMap<string, string>;
  /** The authenticated account. */
  accessKeyId: string;
  /** Region the request is handled in (Host header, else the region setting). */
  region: string;
  now: number;
  state: EmulatorState;
  settings: EmulatorSettings;
  /** 0 <= x < 1; injectable so activation jitter can be tested. */
  random: () => number;
  /** Jobs, stored files and the media/engine dependencies of the content operations. */
  content: ContentRuntime;
}

/** Returns the response body without RequestId, or throws ApiError. */
export type ActionHandler = (ctx: ActionContext) => Record<string, unknown>;

export interface ServiceDefinition {
  info: ProductInfo;
  actions: Readonly<Record<string, ActionHandler>>;
}
