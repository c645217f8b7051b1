/**
 * The error a service action answers with. Every refusal the emulator makes on the
 * wire goes through this class so that the body always has the same four fields as
 * the real POP gateway: RequestId, HostId, Code, Message.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

// Factories for the codes the emulator uses. Keeping them here means the choice of
// HTTP status for each code is made once (several are disputed between doc revisions,
// see docs/emulator.md).

export const missingParameter = (name: string): ApiError =>
  new ApiError("MissingParameter", 400, `The parameter ${name} is required.`);

export const invalidParameter = (message: string): ApiError =>
  new ApiError("InvalidParameter", 400, message);

export const resourceNotFound = (message: string): ApiError =>
  new ApiError("InvalidParameter.ResourceNotFound", 400, message);

export const notSupported = (message: string): ApiError =>
  new ApiError("InvalidParameter.NotSupported", 400, message);

export const regionNotSupported = (message: string): ApiError =>
  new ApiError("InvalidParameter.RegionNotSupported", 400, message);

export const quotaExceeded = (message: string): ApiError =>
  new ApiError("QuotaExceeded.Library", 400, message);

export const actionNotFound = (message: string): ApiError =>
  new ApiError("InvalidAction.NotFound", 404, message);

export const throttling = (message: string): ApiError => new ApiError("Throttling", 400, message);

export const signatureDoesNotMatch = (message: string): ApiError =>
  new ApiError("SignatureDoesNotMatch", 400, message);

export const accessKeyNotFound = (accessKeyId: string): ApiError =>
  new ApiError("InvalidAccessKeyId.NotFound", 404, `Specified access key is not found: ${accessKeyId}.`);

export const incompleteSignature = (message: string): ApiError =>
  new ApiError("IncompleteSignature", 400, message);

export const timestampExpired = (message: string): ApiError =>
  new ApiError("InvalidTimeStamp.Expired", 400, message);

export const timestampFormat = (message: string): ApiError =>
  new ApiError("InvalidTimeStamp.Format", 400, message);

export const nonceUsed = (message: string): ApiError => new ApiError("SignatureNonceUsed", 400, message);

export const internalError = (message = "The request processing has failed due to some unknown error."): ApiError =>
  new ApiError("InternalError", 500, message);

export const invalidRegionId = (value: string): ApiError =>
  new ApiError("InvalidRegionId", 400, `The region ${JSON.stringify(value)} named by the x-acs-region-id header is not a region id like cn-shanghai.`);
