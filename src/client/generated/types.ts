export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
};

/** What a new library should be. The gateway picks the backend unless `backend` is given. */
export type CreateFingerprintLibraryInput = {
  /** Forces a backend (no fallback); otherwise the routing policy decides. */
  backend?: InputMaybe<FingerprintBackend>;
  /** MPS Config: a JSON object (up to 4 KiB), passed to MPS as its Config string; refused for ICE. */
  config?: InputMaybe<Scalars['JSON']['input']>;
  /** Up to 1,024 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Same key + same input = same library (answered with replayed: true), never a second one. 1 to 255 characters. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Which media it fingerprints; decides the backend under the routing policy. */
  model: FingerprintModel;
  /** Its name: 1 to 128 characters after trimming. */
  name: Scalars['String']['input'];
  /** The Alibaba Cloud region; defaults to the gateway's DEFAULT_REGION. TEXT exists only in cn-shanghai. */
  region?: InputMaybe<Scalars['String']['input']>;
};

/** The result of createFingerprintLibrary. */
export type CreateFingerprintLibraryPayload = {
  __typename?: 'CreateFingerprintLibraryPayload';
  /** The library, new or replayed. */
  library: FingerprintLibrary;
  /** True when an earlier call with this idempotencyKey made the library and this call only answered it. */
  replayed: Scalars['Boolean']['output'];
  /** Why the library is on its backend; says so when a quota fallback moved it. */
  routing: LibraryRouting;
};

/** The result of deleteFingerprintFiles. */
export type DeleteFingerprintFilesPayload = {
  __typename?: 'DeleteFingerprintFilesPayload';
  /** MPS: one FileDeletion per delete job (200 keys each), in key order; read one again (fileDeletion or node) to see it SUCCEEDED or FAILED. ICE: empty, the files are already gone. */
  deletions: Array<FileDeletion>;
  /** The library the files were deleted from. */
  library: FingerprintLibrary;
  /** The distinct keys deleted (ICE) or being deleted (MPS), in the order given. */
  primaryKeys: Array<Scalars['String']['output']>;
  /** SUCCEEDED at once on ICE; on MPS QUEUED (then RUNNING) until its delete jobs end: follow them through `deletions`. */
  status: FingerprintJobStatus;
};

/** The result of deleteFingerprintLibrary. */
export type DeleteFingerprintLibraryPayload = {
  __typename?: 'DeleteFingerprintLibraryPayload';
  /** The library: DELETED (ICE) or DELETING until the MPS delete job finishes. */
  library: FingerprintLibrary;
};

/** One media file searched in several libraries: one SEARCH job per library, their status and matches in one place. */
export type DuplicateSearch = Node & {
  __typename?: 'DuplicateSearch';
  /** When the search was made. */
  createdAt: Scalars['DateTime']['output'];
  /** The gateway's own opaque id. */
  id: Scalars['ID']['output'];
  /** One SEARCH job per library, in the order the libraries were given. */
  jobs: Array<FingerprintJob>;
  /** The libraries searched, in the order given. */
  libraries: Array<FingerprintLibrary>;
  /** Every library's matches, most similar first. */
  matches: Array<LibraryMatch>;
  /** SUCCEEDED once every library's job has; FAILED if any failed (the others' matches still listed); else RUNNING or QUEUED. */
  status: FingerprintJobStatus;
};

/** One MPS file-delete job (SubmitFpFileDeleteJob, at most 200 keys) that deleteFingerprintFiles submitted. The gateway follows it to its end: subscribe to fileDeletionFinished (or read it again with fileDeletion or node) to learn when the files are gone. ICE deletes at once and makes none. */
export type FileDeletion = Node & {
  __typename?: 'FileDeletion';
  /** When the gateway recorded the delete. */
  createdAt: Scalars['DateTime']['output'];
  /** MPS's Code when FAILED (or the gateway's, e.g. JOB_NOT_FOUND_ON_BACKEND, JOB_STUCK). */
  errorCode: Maybe<Scalars['String']['output']>;
  /** What went wrong, when FAILED. */
  errorMessage: Maybe<Scalars['String']['output']>;
  /** When the job ended (SUCCEEDED or FAILED), as the gateway saw it. */
  finishedAt: Maybe<Scalars['DateTime']['output']>;
  /** The gateway's own opaque id. */
  id: Scalars['ID']['output'];
  /** The library the files are deleted from. */
  library: FingerprintLibrary;
  /** The keys this delete job removes, in the order given. */
  primaryKeys: Array<Scalars['String']['output']>;
  /** MPS's own status word, as last seen (empty before the first read). */
  rawStatus: Scalars['String']['output'];
  /** QUEUED or RUNNING while MPS works; SUCCEEDED once the keys are deleted, FAILED if the job failed (see errorCode). */
  status: FingerprintJobStatus;
};

/** An MPS file deletion's end: SUCCEEDED or FAILED. */
export type FileDeletionEvent = {
  __typename?: 'FileDeletionEvent';
  /** The deletion as it was right after the change. */
  deletion: FileDeletion;
  /** Increasing, one sequence with the job and library events; pass the last one you saw as `after` to resume without a gap. */
  eventId: Scalars['ID']['output'];
  /** When the gateway recorded the change. */
  occurredAt: Scalars['DateTime']['output'];
  /** The status before the change (QUEUED or RUNNING). */
  previousStatus: Maybe<FingerprintJobStatus>;
  /** The status the deletion changed to. */
  status: FingerprintJobStatus;
};

/** Narrows a file-deletion subscription; every given field must match. */
export type FileDeletionEventFilter = {
  /** Only these deletions (at most 100 ids). */
  deletionIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Only deletions from these libraries (at most 100 ids). */
  libraryIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};

/** The cloud service that hosts a library: Intelligent Media Services (DNA DB) or Media Processing (FpShotDB). */
export type FingerprintBackend =
  /** Intelligent Media Services, API 2020-11-09 (CreateDNADB, ListDNADB, DeleteDNADB). */
  | 'ICE'
  /** ApsaraVideo Media Processing, API 2014-06-18 (CreateFpShotDB, ListFpShotDB, SubmitFpDBDeleteJob). */
  | 'MPS';

/** Media stored in a library (ICE ListDNAFiles, MPS ListFpShotFiles). */
export type FingerprintFile = {
  __typename?: 'FingerprintFile';
  /** The key it was stored under: the primaryKey of the job that saved it. */
  primaryKey: Scalars['String']['output'];
  /** When the backend stored it (MPS StoreTime); null on ICE, which lists no time. */
  storedAt: Maybe<Scalars['DateTime']['output']>;
};

/** A page of a library's stored files, in the backend's order; the backend's page tokens are behind the cursors. */
export type FingerprintFileConnection = {
  __typename?: 'FingerprintFileConnection';
  /** The files of this page with their cursors. */
  edges: Array<FingerprintFileEdge>;
  /** The files of this page, without cursors. */
  nodes: Array<FingerprintFile>;
  /** Where this page sits. */
  pageInfo: PageInfo;
};

/** A stored file and its position in the library's listing. */
export type FingerprintFileEdge = {
  __typename?: 'FingerprintFileEdge';
  /** An opaque position, for `after`; valid for this library only. */
  cursor: Scalars['String']['output'];
  /** The file. */
  node: FingerprintFile;
};

/** A fingerprint job: media put into a library (SAVE), searched against it (SEARCH), or both. */
export type FingerprintJob = Node & {
  __typename?: 'FingerprintJob';
  /** The service running the job (the library's). */
  backend: FingerprintBackend;
  /** The backend's job id: ICE JobId or MPS JobId. */
  backendJobId: Scalars['String']['output'];
  /** When the gateway recorded the submit. */
  createdAt: Scalars['DateTime']['output'];
  /** The backend's Code when FAILED (or the gateway's, e.g. JOB_NOT_FOUND_ON_BACKEND, JOB_STUCK, RESULT_UNREACHABLE). */
  errorCode: Maybe<Scalars['String']['output']>;
  /** What went wrong, when FAILED. */
  errorMessage: Maybe<Scalars['String']['output']>;
  /** Why it FAILED, as one of the gateway's error codes (the same on both services): MEDIA_NOT_FOUND (the input could not be read: no such bucket, object or media id, or not readable from the library's region), BAD_USER_INPUT (the file is not media of the library's kind), BACKEND_ERROR (anything else; see errorCode). Null unless FAILED. */
  failureCode: Maybe<Scalars['String']['output']>;
  /** When the job ended (SUCCEEDED, FAILED or CANCELED). */
  finishedAt: Maybe<Scalars['DateTime']['output']>;
  /** The gateway's own opaque id. */
  id: Scalars['ID']['output'];
  /** The library the job ran on. */
  library: FingerprintLibrary;
  /** Most similar first, at or above similarityThreshold; empty until SUCCEEDED, always empty for SAVE. */
  matches: Array<FingerprintMatch>;
  /** What the job does with the media. */
  mode: FingerprintJobMode;
  /** The media's key in the library (generated for a SEARCH without one). */
  primaryKey: Scalars['String']['output'];
  /** The backend's own status word, as last seen (empty before the first read). */
  rawStatus: Scalars['String']['output'];
  /** The DuplicateSearch this job belongs to, if any. */
  searchId: Maybe<Scalars['ID']['output']>;
  /** The threshold the matches were filtered with (0..1). */
  similarityThreshold: Scalars['Float']['output'];
  /** The normalized status. */
  status: FingerprintJobStatus;
  /** When the gateway last changed its record. */
  updatedAt: Scalars['DateTime']['output'];
  /** The userData given at submit. */
  userData: Maybe<Scalars['String']['output']>;
};

/** A page of jobs, oldest first (by submit, then id), with the total for the filter. */
export type FingerprintJobConnection = {
  __typename?: 'FingerprintJobConnection';
  /** The jobs of this page with their cursors. */
  edges: Array<FingerprintJobEdge>;
  /** The jobs of this page, without cursors. */
  nodes: Array<FingerprintJob>;
  /** Where this page sits. */
  pageInfo: PageInfo;
  /** How many jobs match the filter, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A job and its position in the list. */
export type FingerprintJobEdge = {
  __typename?: 'FingerprintJobEdge';
  /** An opaque position, for `after`. */
  cursor: Scalars['String']['output'];
  /** The job. */
  node: FingerprintJob;
};

/** A job's end: SUCCEEDED, FAILED or CANCELED. */
export type FingerprintJobEvent = {
  __typename?: 'FingerprintJobEvent';
  /** Increasing, one sequence with library events; pass the last one you saw as `after` to resume without a gap. */
  eventId: Scalars['ID']['output'];
  /** The job as it was right after the change. */
  job: FingerprintJob;
  /** When the gateway recorded the change. */
  occurredAt: Scalars['DateTime']['output'];
  /** The status the job changed to. */
  status: FingerprintJobStatus;
};

/** Narrows fingerprintJobs; every given field must match. */
export type FingerprintJobFilter = {
  /** Only jobs on this backend. */
  backend?: InputMaybe<FingerprintBackend>;
  /** Only jobs of this library. */
  libraryId?: InputMaybe<Scalars['ID']['input']>;
  /** Only jobs of this mode. */
  mode?: InputMaybe<FingerprintJobMode>;
  /** Only the jobs of this DuplicateSearch. */
  searchId?: InputMaybe<Scalars['ID']['input']>;
  /** Only jobs in this status. */
  status?: InputMaybe<FingerprintJobStatus>;
};

/** What a job does with the media; the services' SaveType, the same words on both. */
export type FingerprintJobMode =
  /** Store the media, search nothing (SaveType onlysave). Needs a primaryKey. */
  | 'SAVE'
  /** Search the library, store nothing (SaveType nosave). The primaryKey is generated when not given. */
  | 'SEARCH'
  /** Search, then store the media whatever was found (SaveType forcesave). Needs a primaryKey. */
  | 'SEARCH_AND_SAVE'
  /** Search; store only when nothing reaches the similarity threshold (SaveType save). Needs a primaryKey. */
  | 'SEARCH_AND_SAVE_IF_UNIQUE';

/** One job status for both backends (Queuing, Analysing, Success, Fail, and ICE's cancel); the backend's word stays in rawStatus. */
export type FingerprintJobStatus =
  /** Cancelled before it ran (ICE CancelDNAJob). */
  | 'CANCELED'
  /** Ended in failure (Fail); see errorCode and errorMessage. */
  | 'FAILED'
  /** Waiting in the backend's queue (Queuing). */
  | 'QUEUED'
  /** Being analysed (Analysing). */
  | 'RUNNING'
  /** Done (Success); matches are listed. */
  | 'SUCCEEDED'
  /** A backend word the gateway does not know; see rawStatus. */
  | 'UNKNOWN';

/** A fingerprint library on ICE or MPS, as the gateway's registry knows it. */
export type FingerprintLibrary = Node & {
  __typename?: 'FingerprintLibrary';
  /** The first time the gateway saw it ACTIVE. */
  activatedAt: Maybe<Scalars['DateTime']['output']>;
  /** The service that hosts the library. */
  backend: FingerprintBackend;
  /** The backend's id for it: ICE DBId or MPS FpDBId. */
  backendLibraryId: Scalars['String']['output'];
  /** The MPS Config object it was created with; null for ICE. */
  config: Maybe<Scalars['JSON']['output']>;
  /** When the gateway recorded it. */
  createdAt: Scalars['DateTime']['output'];
  /** Its description, if any. */
  description: Maybe<Scalars['String']['output']>;
  /** The media stored in the library, read live from its backend, a page at a time. */
  files: FingerprintFileConnection;
  /** The gateway's own opaque id. */
  id: Scalars['ID']['output'];
  /** The library's jobs, oldest first, a page at a time. */
  jobs: FingerprintJobConnection;
  /** Which media it fingerprints. */
  model: FingerprintModel;
  /** Its name. */
  name: Scalars['String']['output'];
  /** The backend's own status word, as last seen (`absent` once the backend no longer lists it). */
  rawStatus: Scalars['String']['output'];
  /** The Alibaba Cloud region it lives in, e.g. cn-shanghai. */
  region: Scalars['String']['output'];
  /** The normalized status. */
  status: LibraryStatus;
  /** When the gateway last changed its record. */
  updatedAt: Scalars['DateTime']['output'];
};


/** A fingerprint library on ICE or MPS, as the gateway's registry knows it. */
export type FingerprintLibraryFilesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A fingerprint library on ICE or MPS, as the gateway's registry knows it. */
export type FingerprintLibraryJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of libraries, oldest first (by creation, then id), with the total for the filter. */
export type FingerprintLibraryConnection = {
  __typename?: 'FingerprintLibraryConnection';
  /** The libraries of this page with their cursors. */
  edges: Array<FingerprintLibraryEdge>;
  /** The libraries of this page, without cursors. */
  nodes: Array<FingerprintLibrary>;
  /** Where this page sits. */
  pageInfo: PageInfo;
  /** How many libraries match the filter, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A library and its position in the list. */
export type FingerprintLibraryEdge = {
  __typename?: 'FingerprintLibraryEdge';
  /** An opaque position, for `after`. */
  cursor: Scalars['String']['output'];
  /** The library. */
  node: FingerprintLibrary;
};

/** Narrows fingerprintLibraries; every given field must match. */
export type FingerprintLibraryFilter = {
  /** Only libraries on this backend. */
  backend?: InputMaybe<FingerprintBackend>;
  /** Only libraries of this model. */
  model?: InputMaybe<FingerprintModel>;
  /** Only libraries whose name contains this text, ignoring case. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
  /** Only libraries in this region. */
  region?: InputMaybe<Scalars['String']['input']>;
  /** Only libraries in this status. */
  status?: InputMaybe<LibraryStatus>;
};

/** A stored media file that the job's media duplicates, normalized from ICE's DNA result and MPS's FpShotResult. */
export type FingerprintMatch = {
  __typename?: 'FingerprintMatch';
  /** The stored media's primary key in the library. */
  primaryKey: Scalars['String']['output'];
  /** Where the copy is; empty for images. */
  segments: Array<MatchSegment>;
  /** 0..1; 1 is identical. */
  similarity: Scalars['Float']['output'];
};

/** Which media a library fingerprints. */
export type FingerprintModel =
  /** Audio fingerprints (ICE Model Audio, MPS ModelId 13). */
  | 'AUDIO'
  /** Image fingerprints (ICE Model Image, MPS ModelId 14). */
  | 'IMAGE'
  /** Text fingerprints (ICE Model Text, MPS ModelId 11); cn-shanghai only. */
  | 'TEXT'
  /** Video fingerprints (ICE Model Video, MPS ModelId 12). */
  | 'VIDEO';

/** Narrows a job subscription; every given field must match. */
export type JobEventFilter = {
  /** Only these jobs (at most 100 ids). */
  jobIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Only jobs in these libraries (at most 100 ids). */
  libraryIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Only the jobs of these duplicate searches (at most 100 ids). */
  searchIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};

/** Narrows a subscription; every given field must match. */
export type LibraryEventFilter = {
  /** Only libraries on this backend. */
  backend?: InputMaybe<FingerprintBackend>;
  /** Only these libraries (at most 100 ids). */
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Only libraries of this model. */
  model?: InputMaybe<FingerprintModel>;
};

/** A match, with the library it was found in. */
export type LibraryMatch = {
  __typename?: 'LibraryMatch';
  /** The library the match is stored in. */
  library: FingerprintLibrary;
  /** The stored media that duplicates the search's media. */
  match: FingerprintMatch;
};

/** Where createFingerprintLibrary put the library, and why. */
export type LibraryRouting = {
  __typename?: 'LibraryRouting';
  /** The backend that hosts the library (the same as library.backend). */
  backend: FingerprintBackend;
  /** The same in a sentence, e.g. "VIDEO libraries go to ICE, but ICE's library quota for this account was used up, so this one was created on MPS." */
  explanation: Scalars['String']['output'];
  /** Why that backend: QUOTA_FALLBACK when the model's usual backend was out of quota. */
  reason: RoutingReason;
};

/** One status for both backends. ICE reports `Status` (offline, active, deleted); MPS reports `State` on create and `Status` on list (offline, active, paused, deleted). DELETING covers an MPS delete job that has not finished. UNKNOWN is any backend word the gateway does not know (the word itself stays readable in rawStatus). */
export type LibraryStatus =
  /** Ready for fingerprint jobs (backend word: active). */
  | 'ACTIVE'
  /** Deleted, or no longer listed by its backend. */
  | 'DELETED'
  /** An MPS delete job is running. */
  | 'DELETING'
  /** Created, not yet usable (backend word: offline). */
  | 'OFFLINE'
  /** Paused by MPS (backend word: paused). */
  | 'PAUSED'
  /** A backend word the gateway does not know; see rawStatus. */
  | 'UNKNOWN';

/** A change of a library's normalized status. */
export type LibraryStatusEvent = {
  __typename?: 'LibraryStatusEvent';
  /** Increasing; pass the last one you saw as `after` to resume without a gap. */
  eventId: Scalars['ID']['output'];
  /** The library as it was right after the change. */
  library: FingerprintLibrary;
  /** When the gateway recorded the change. */
  occurredAt: Scalars['DateTime']['output'];
  /** The status before the change. */
  previousStatus: Maybe<LibraryStatus>;
  /** The status after the change. */
  status: LibraryStatus;
};

/** Where the copy is: seconds for audio and video, characters for text. */
export type MatchSegment = {
  __typename?: 'MatchSegment';
  /** End in the job's media. */
  inputEnd: Scalars['Float']['output'];
  /** Start in the job's media. */
  inputStart: Scalars['Float']['output'];
  /** End in the stored media. */
  matchEnd: Scalars['Float']['output'];
  /** Start in the stored media. */
  matchStart: Scalars['Float']['output'];
};

/** Where a media file is: exactly one of the two. */
export type MediaInput = {
  /** An ICE media asset id; ICE libraries only. */
  mediaId?: InputMaybe<Scalars['String']['input']>;
  /** An OSS object. */
  oss?: InputMaybe<OssObjectInput>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels a job that has not started (ICE CancelDNAJob, QUEUED jobs only; MPS has no cancel: UNSUPPORTED_OPERATION). */
  cancelFingerprintJob: FingerprintJob;
  /** Creates a library on the backend the routing policy (or `backend`) picks, and records it. */
  createFingerprintLibrary: CreateFingerprintLibraryPayload;
  /** Removes stored media from a library (ICE DeleteDNAFiles at once; MPS SubmitFpFileDeleteJob, a job). At most 1000 keys; on a failure part-way the error's extensions.notDeletedPrimaryKeys lists what to delete again. */
  deleteFingerprintFiles: DeleteFingerprintFilesPayload;
  /** Deletes a library on its backend: ICE at once (DELETED), MPS through a delete job (DELETING, then DELETED). */
  deleteFingerprintLibrary: DeleteFingerprintLibraryPayload;
  /** Adopts a library that already exists on a backend into the gateway. */
  importFingerprintLibrary: FingerprintLibrary;
  /** Reads the library's status from its backend now, instead of waiting for the watcher. */
  refreshFingerprintLibrary: FingerprintLibrary;
  /** Searches 1 to 20 libraries of one model (either backend) for copies of one media file: one SEARCH job per library, one DuplicateSearch over them. */
  searchDuplicates: SearchDuplicatesPayload;
  /** Runs a fingerprint job (save and/or search) on an ACTIVE library. Idempotent by key; a retry never makes a second backend job. */
  submitFingerprintJob: SubmitFingerprintJobPayload;
};


export type MutationCancelFingerprintJobArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateFingerprintLibraryArgs = {
  input: CreateFingerprintLibraryInput;
};


export type MutationDeleteFingerprintFilesArgs = {
  libraryId: Scalars['ID']['input'];
  primaryKeys: Array<Scalars['String']['input']>;
};


export type MutationDeleteFingerprintLibraryArgs = {
  id: Scalars['ID']['input'];
};


export type MutationImportFingerprintLibraryArgs = {
  backend: FingerprintBackend;
  backendLibraryId: Scalars['String']['input'];
  region?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRefreshFingerprintLibraryArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSearchDuplicatesArgs = {
  input: SearchDuplicatesInput;
};


export type MutationSubmitFingerprintJobArgs = {
  input: SubmitFingerprintJobInput;
};

/** An object with a globally unique, opaque id, refetchable through Query.node. */
export type Node = {
  /** The global id. */
  id: Scalars['ID']['output'];
};

/** An OSS object (Alibaba Cloud OSS, or the emulator's OSS). */
export type OssObjectInput = {
  /** The bucket; it must be in the library's region. */
  bucket: Scalars['String']['input'];
  /** The bucket's location, e.g. oss-cn-shanghai; defaults to the library's region (and must be it). */
  location?: InputMaybe<Scalars['String']['input']>;
  /** The object's key. */
  object: Scalars['String']['input'];
};

/** Relay-style pagination state of a connection. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last edge: pass it as `after` for the next page. */
  endCursor: Maybe<Scalars['String']['output']>;
  /** Whether a page follows this one. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether a page precedes this one (true whenever `after` was given). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the first edge, null on an empty page. */
  startCursor: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /** One duplicate search; null when there is none (or it is another tenant's). */
  duplicateSearch: Maybe<DuplicateSearch>;
  /** One file deletion (from deleteFingerprintFiles on MPS); null when there is none (or it is another tenant's). */
  fileDeletion: Maybe<FileDeletion>;
  /** One job; null when there is none (or it is another tenant's). */
  fingerprintJob: Maybe<FingerprintJob>;
  /** The caller's jobs, oldest first, a page at a time. */
  fingerprintJobs: FingerprintJobConnection;
  /** The registry's libraries, oldest first, a page at a time. */
  fingerprintLibraries: FingerprintLibraryConnection;
  /** One library from the registry; null when there is none. */
  fingerprintLibrary: Maybe<FingerprintLibrary>;
  /** Any object by its global id; null when there is none (or it is another tenant's). */
  node: Maybe<Node>;
};


export type QueryDuplicateSearchArgs = {
  id: Scalars['ID']['input'];
};


export type QueryFileDeletionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryFingerprintJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryFingerprintJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<FingerprintJobFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryFingerprintLibrariesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<FingerprintLibraryFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryFingerprintLibraryArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};

/** Why createFingerprintLibrary put a library on the backend it did. */
export type RoutingReason =
  /** The routing policy's backend for the model (VIDEO, AUDIO: ICE; IMAGE, TEXT: MPS, unless ROUTING says otherwise). */
  | 'MODEL_ROUTE'
  /** The model's backend had no library quota left for the account, so the library went to the other backend. */
  | 'QUOTA_FALLBACK'
  /** The input named the backend (`backend`). */
  | 'REQUESTED';

/** One media file to search for in several libraries. */
export type SearchDuplicatesInput = {
  /** Same key + same input = same search (replayed: true), never second jobs. 1 to 255 characters. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** 1 to 20 libraries of the media's model (one model), on either backend, ACTIVE, the caller's. */
  libraryIds: Array<Scalars['ID']['input']>;
  /** The media to search for. */
  media: MediaInput;
};

/** The result of searchDuplicates. */
export type SearchDuplicatesPayload = {
  __typename?: 'SearchDuplicatesPayload';
  /** True when an earlier call with this idempotencyKey made the search and this call only answered it. */
  replayed: Scalars['Boolean']['output'];
  /** The search, new or replayed. */
  search: DuplicateSearch;
};

/** A fingerprint job to run on one library. */
export type SubmitFingerprintJobInput = {
  /** Same key + same input = same job (replayed: true), never a second one. 1 to 255 characters. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The library (ACTIVE, the caller's). */
  libraryId: Scalars['ID']['input'];
  /** The media to fingerprint. */
  media: MediaInput;
  /** What to do with it. */
  mode: FingerprintJobMode;
  /** The caller's unique id for this media in the library: 1 to 128 letters, digits and . _ : @ / + = - (no commas). Required unless mode is SEARCH. */
  primaryKey?: InputMaybe<Scalars['String']['input']>;
  /** 0..1 (default 0.8): matches below it are dropped, on both backends; MPS's SimilarityThreshold for SEARCH_AND_SAVE_IF_UNIQUE. */
  similarityThreshold?: InputMaybe<Scalars['Float']['input']>;
  /** Up to 128 bytes, kept with the job; on MPS it must start with a letter or digit. */
  userData?: InputMaybe<Scalars['String']['input']>;
};

/** The result of submitFingerprintJob. */
export type SubmitFingerprintJobPayload = {
  __typename?: 'SubmitFingerprintJobPayload';
  /** The job, new or replayed. */
  job: FingerprintJob;
  /** True when an earlier call with this idempotencyKey made the job and this call only answered it. */
  replayed: Scalars['Boolean']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Fires when an MPS file deletion (one of deleteFingerprintFiles' `deletions`) ends: SUCCEEDED or FAILED. ICE deletes at once and makes no deletion, so an ICE delete fires nothing: its answer is already SUCCEEDED. With `after`, first replays stored events after that eventId. */
  fileDeletionFinished: FileDeletionEvent;
  /** Fires when a job ends (SUCCEEDED, FAILED or CANCELED). With `after`, first replays stored events after that eventId. */
  fingerprintJobFinished: FingerprintJobEvent;
  /** Fires once per library, when it first turns ACTIVE. */
  fingerprintLibraryActivated: LibraryStatusEvent;
  /** Every status change. With `after`, first replays the stored events after that eventId. */
  fingerprintLibraryStatusChanged: LibraryStatusEvent;
};


export type SubscriptionFileDeletionFinishedArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  filter?: InputMaybe<FileDeletionEventFilter>;
};


export type SubscriptionFingerprintJobFinishedArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  filter?: InputMaybe<JobEventFilter>;
};


export type SubscriptionFingerprintLibraryActivatedArgs = {
  filter?: InputMaybe<LibraryEventFilter>;
};


export type SubscriptionFingerprintLibraryStatusChangedArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  filter?: InputMaybe<LibraryEventFilter>;
};
