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
};

/** The result of deleteFingerprintLibrary. */
export type DeleteFingerprintLibraryPayload = {
  __typename?: 'DeleteFingerprintLibraryPayload';
  /** The library: DELETED (ICE) or DELETING until the MPS delete job finishes. */
  library: FingerprintLibrary;
};

/** The cloud service that hosts a library: Intelligent Media Services (DNA DB) or Media Processing (FpShotDB). */
export type FingerprintBackend =
  /** Intelligent Media Services, API 2020-11-09 (CreateDNADB, ListDNADB, DeleteDNADB). */
  | 'ICE'
  /** ApsaraVideo Media Processing, API 2014-06-18 (CreateFpShotDB, ListFpShotDB, SubmitFpDBDeleteJob). */
  | 'MPS';

/** A fingerprint job: media saved to and/or searched in a library. */
export type FingerprintJob = {
  __typename?: 'FingerprintJob';
  backend: FingerprintBackend;
  /** The backend's job id. */
  backendJobId: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** The backend's Code when FAILED. */
  errorCode: Maybe<Scalars['String']['output']>;
  errorMessage: Maybe<Scalars['String']['output']>;
  finishedAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  primaryKey: Scalars['String']['output'];
  /** The backend's own word, as last seen. */
  rawStatus: Scalars['String']['output'];
  status: FingerprintJobStatus;
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

/** One job status for both backends (Queuing, Analysing, Success, Fail, and ICE's cancel). */
export type FingerprintJobStatus =
  | 'CANCELED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
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
  /** The gateway's own opaque id. */
  id: Scalars['ID']['output'];
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

export type Mutation = {
  __typename?: 'Mutation';
  /** Creates a library on the backend the routing policy (or `backend`) picks, and records it. */
  createFingerprintLibrary: CreateFingerprintLibraryPayload;
  /** Deletes a library on its backend: ICE at once (DELETED), MPS through a delete job (DELETING, then DELETED). */
  deleteFingerprintLibrary: DeleteFingerprintLibraryPayload;
  /** Adopts a library that already exists on a backend into the gateway. */
  importFingerprintLibrary: FingerprintLibrary;
  /** Reads the library's status from its backend now, instead of waiting for the watcher. */
  refreshFingerprintLibrary: FingerprintLibrary;
};


export type MutationCreateFingerprintLibraryArgs = {
  input: CreateFingerprintLibraryInput;
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

/** An object with a globally unique, opaque id, refetchable through Query.node. */
export type Node = {
  /** The global id. */
  id: Scalars['ID']['output'];
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
  /** The registry's libraries, oldest first, a page at a time. */
  fingerprintLibraries: FingerprintLibraryConnection;
  /** One library from the registry; null when there is none. */
  fingerprintLibrary: Maybe<FingerprintLibrary>;
  /** Any object by its global id; null when there is none (or it is another tenant's). */
  node: Maybe<Node>;
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

export type Subscription = {
  __typename?: 'Subscription';
  /** Fires when a job ends (SUCCEEDED, FAILED or CANCELED). With `after`, first replays stored events after that eventId. */
  fingerprintJobFinished: FingerprintJobEvent;
  /** Fires once per library, when it first turns ACTIVE. */
  fingerprintLibraryActivated: LibraryStatusEvent;
  /** Every status change. With `after`, first replays the stored events after that eventId. */
  fingerprintLibraryStatusChanged: LibraryStatusEvent;
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
