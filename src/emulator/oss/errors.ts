/**
 * OSS's error answers: an HTTP status, a Code that ali-oss turns into `err.name`
 * (`${Code}Error`), a Message, and sometimes extra elements (StringToSign, Key, ...)
 * that real OSS adds to help the caller. Never a secret.
 */
export class OssError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra child elements of <Error>, after Code/Message/RequestId/HostId. */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const noSuchBucket = (bucket: string) =>
  new OssError(404, "NoSuchBucket", "The specified bucket does not exist.", { BucketName: bucket });

export const noSuchKey = (key: string) => new OssError(404, "NoSuchKey", "The specified key does not exist.", { Key: key });

export const noSuchUpload = (uploadId: string) =>
  new OssError(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", { UploadId: uploadId });

export const accessDenied = (message: string) => new OssError(403, "AccessDenied", message);

export const invalidAccessKeyId = (accessKeyId: string) =>
  new OssError(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.", { OSSAccessKeyId: accessKeyId });

export const signatureDoesNotMatch = (accessKeyId: string, stringToSign: string) =>
  new OssError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", {
    OSSAccessKeyId: accessKeyId,
    StringToSign: stringToSign,
  });

export const requestTimeTooSkewed = (requestTime: string, serverTime: string) =>
  new OssError(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", {
    RequestTime: requestTime,
    ServerTime: serverTime,
  });

export const invalidArgument = (message: string, name?: string, value?: string) =>
  new OssError(400, "InvalidArgument", message, name !== undefined ? { ArgumentName: name, ArgumentValue: value ?? "" } : {});

export const entityTooLarge = (limit: number) =>
  new OssError(400, "EntityTooLarge", `Your proposed upload exceeds the maximum allowed size of ${limit} bytes (the emulator's ossMaxObjectBytes).`, {
    MaxSizeAllowed: String(limit),
  });

export const notImplemented = (what: string) =>
  new OssError(501, "NotImplemented", `${what} is not emulated by the OSS stand-in (see docs/emulator.md).`);
