/** Request checks shared by the content actions of both services. */
import { ApiError } from "../errors.js";
import type { Library } from "../state.js";
import { INVALID_STATE } from "./fp-job-run.js";

/** Jobs are accepted only on active libraries (an emulator choice: the services document no code). */
export function requireActive(lib: Library, idName: string, listAction: string): void {
  if (lib.status !== "active") {
    throw new ApiError(
      INVALID_STATE,
      400,
      `The library ${idName} ${lib.id} is ${lib.status}; submit jobs once ${listAction} shows it active.`,
    );
  }
}

export function invalidState(message: string): ApiError {
  return new ApiError(INVALID_STATE, 400, message);
}
