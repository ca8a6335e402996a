"""The items the repositories return, as TypedDicts: mypy checks every attribute read or written (docs/data-model.md).

An entity is the item itself, a JSON-shaped dict: nothing is parsed or copied at run time, so responses serialise it
unchanged and the engine's hot path costs what it did. Modules import this one under `if TYPE_CHECKING:` only (and
cast with a quoted type): building these classes would cost every cold start ~1.5 ms for nothing a function runs.

`Required` attributes are in every item the store writes; `NotRequired` ones are optional, or absent from items
written before they existed. `pk`/`sk` are there when an item is read whole, absent from the values a service builds
before the repository adds the keys.
"""

from typing import Any, Literal, NotRequired, Required, TypedDict

Channel = Literal["email", "sms", "push", "in_app", "chat"]
"""clarion.store.records.Channel, which the senders import at run time (this module is for mypy only)."""


class CampaignVersion(TypedDict):
    """What a message needs of its campaign: a campaign, or a journey's snapshot of one at a version (CampaignsTable
    `ENV#<env>` / `JOURNEY#<campaignId>#V#<version>`, these attributes only)."""

    _id: str
    name: str
    identifier: str
    critical: bool
    preferenceSettings: dict[str, bool]
    steps: list[dict[str, Any]]
    inboxExpiryDays: NotRequired[int | None]
    version: int
    purpose: NotRequired[str]
    """`marketing` (absent: campaigns saved before purposes), `transactional`, or a consent purpose of its own."""


class Campaign(CampaignVersion, total=False):
    """CampaignsTable `ENV#<env>` / `CAMPAIGN#<campaignId>`."""

    pk: str
    sk: str
    description: str | None
    status: Required[str]
    channels: Required[list[str]]
    """The distinct channels of the steps, in step order."""
    audience: Required[dict[str, Any]]
    stoppedAt: str
    inboxExpiredAt: str
    createdAt: Required[str]
    createdBy: Required[str]
    updatedAt: Required[str]
    updatedBy: Required[str]
    notificationGroupId: str
    """The workflow group (Novu's notification group); absent: the environment's default group."""
    tags: list[str]
    data: dict[str, Any] | None
    """Novu's custom data of a workflow, kept as given."""
    handlebars: list[Any]
    """A workflow's steps' content as written in Novu's Handlebars (null for digests and delays), beside its
    translation in `steps` (clarion.campaigns.workflow_templates)."""


class WorkflowGroup(TypedDict):
    """CampaignsTable `ENV#<env>` / `WORKFLOW_GROUP#<groupId>` (Novu's notification group)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    _environmentId: str
    _organizationId: str
    name: str
    workflowCount: NotRequired[int]
    """How many campaigns name the group: a group is deleted only at 0."""
    createdAt: str
    updatedAt: str


class Layout(TypedDict):
    """CampaignsTable `ENV#<env>` / `LAYOUT#<layoutId>`."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    _organizationId: str
    _environmentId: str
    _creatorId: str
    name: str
    identifier: str
    description: str | None
    content: str
    variables: list[dict[str, Any]]
    isDefault: bool
    version: int
    createdAt: str
    updatedAt: str


class Integration(TypedDict):
    """CampaignsTable `ENV#<env>#INTEGRATIONS` / `INTEGRATION#<integrationId>` (credentials are in Secrets Manager)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    environmentId: str
    name: str
    identifier: str
    providerId: str
    channel: str
    maskedCredentials: dict[str, Any]
    """The credentials' fields, secret ones as `****`."""
    active: bool
    primary: bool
    conditions: list[dict[str, Any]]
    deleted: NotRequired[bool]
    deletedAt: NotRequired[str | None]
    deletedBy: NotRequired[str | None]
    version: NotRequired[int]
    """Absent until the integration is first written (`IntegrationsRepository.write` sets it)."""
    createdAt: str
    updatedAt: str


class Schedule(TypedDict):
    """CampaignsTable `ENV#<env>` / `SCHEDULE#<campaignId>`: a campaign's latest schedule."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    scheduleId: str
    campaignId: str
    transactionId: str
    status: str
    """`planning`, `scheduled` or `cancelled` (`sent` is derived)."""
    schedules: list[dict[str, Any]]
    """Each zone's Scheduler schedule: name, timezone, default, scheduleExpression, dueAt, localDueAt."""
    sendAt: NotRequired[str]
    localTime: NotRequired[str]
    date: NotRequired[str]
    defaultTimezone: NotRequired[str]
    version: int
    createdAt: str
    createdBy: str
    updatedAt: str
    updatedBy: str


class Preference(TypedDict, total=False):
    """SubscribersTable `ENV#<env>#SUB#<subscriberId>` / `PREF#GLOBAL` or `PREF#CAMPAIGN#<campaignId>`: only what the
    subscriber chose. A stored item has every attribute but `enabled` and `campaignId` (a campaign's level only);
    a change is built without `pk` and `version`, which the repository adds."""

    pk: str
    sk: str
    level: str
    """`global` or `template` (a campaign's)."""
    campaignId: str
    enabled: bool
    channels: dict[str, bool]
    version: int
    createdAt: str
    updatedAt: str


class Environment(TypedDict):
    """ClientsTable `ORG` / `ENV#<environmentId>`."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    id: str
    name: str
    organizationId: str
    identifier: str
    parentId: str | None
    slug: str
    color: str | None
    inboxExpiryDays: NotRequired[int]
    """The default inbox expiry of its campaigns, once set."""
    widgetHmacRequired: NotRequired[bool]
    """Whether a widget session needs the subscriberId's hmacHash, once set."""
    widgetOrigins: NotRequired[list[str]]
    """The browser origins the widget API answers, once set."""
    createdAt: str


class Client(TypedDict):
    """ClientsTable `ENV#<environmentId>` / `CLIENT#<clientId>`: an API client (its key is stored as a hash)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    clientId: str
    name: str
    environmentId: str
    scopes: list[str]
    status: str
    """`active` or `revoked`."""
    keyHash: str
    keyHint: str
    rateLimits: NotRequired[dict[str, int]]
    createdAt: str
    createdBy: str
    updatedAt: str
    updatedBy: str


class ClientChange(TypedDict):
    """ClientsTable `ENV#<environmentId>` / `AUDIT#<clientId>#<changedAt>#<id>`: one audited change to a client."""

    pk: str
    sk: str
    clientId: str
    action: str
    changedBy: str
    changedAt: str
    before: list[str] | None
    after: list[str] | None


class Topic(TypedDict):
    """SubscribersTable `ENV#<env>#TOPIC#<key>` / `TOPIC`."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    listPk: NotRequired[str]
    listSk: NotRequired[str]
    _id: str
    key: str
    name: str
    subscriberCount: int
    createdAt: str
    updatedAt: str


class TopicMember(TypedDict):
    """SubscribersTable `ENV#<env>#TOPIC#<key>` / `SUB#<subscriberId>`: a topic's member (the audience's Query)."""

    pk: str
    sk: str
    _id: str
    topicId: str
    subscriberId: str
    addedAt: str


class Segment(TypedDict):
    """SubscribersTable `ENV#<env>#SEGMENT#<segmentId>` / `SEGMENT`: a rule tree over profiles (clarion.segments.rules),
    evaluated at send time."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    listPk: NotRequired[str]
    listSk: NotRequired[str]
    _id: str
    name: str
    description: NotRequired[str | None]
    rule: dict[str, Any]
    version: int
    createdAt: str
    updatedAt: str


class Promotion(TypedDict):
    """CampaignsTable `ENV#<env>#PROMOTIONS` / `PROMOTION#<externalId>`: a promotion a bonus engine keeps in sync
    (`PUT /v1/promotions/{externalId}`), which clients list."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    externalId: str
    name: str
    description: NotRequired[str | None]
    type: NotRequired[str | None]
    status: str
    startsAt: NotRequired[str | None]
    endsAt: NotRequired[str | None]
    terms: NotRequired[str | None]
    url: NotRequired[str | None]
    metadata: NotRequired[dict[str, Any]]
    createdAt: str
    updatedAt: str


class AudienceList(TypedDict):
    """SubscribersTable `ENV#<env>#LIST#<listId>` / `LIST_ITEM`: a static set of profiles (its members: `ListMember`
    items in its partition, each mirrored in the profile's `lists`)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    listPk: NotRequired[str]
    listSk: NotRequired[str]
    _id: str
    name: str
    description: NotRequired[str | None]
    subscriberCount: int
    createdAt: str
    updatedAt: str


class Suppression(TypedDict):
    """SubscribersTable `ENV#<env>#SUPPRESSION#<channel>#<sha256 of the address>` / `SUPPRESSION`: an address the
    engine never sends to on `channel` (email or sms), and why."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    listPk: NotRequired[str]
    listSk: NotRequired[str]
    channel: str
    address: str
    reason: str
    source: str
    createdAt: str


class ListMember(TypedDict):
    """SubscribersTable `ENV#<env>#LIST#<listId>` / `SUB#<subscriberId>`: a list's member (the audience's Query)."""

    pk: str
    sk: str
    listId: str
    subscriberId: str
    addedAt: str


class SubscriptionState(TypedDict):
    """A profile's status on one channel (`Subscriber.subscriptions`): absent means `unknown`."""

    status: str
    at: str
    source: str


class ConsentState(TypedDict):
    """A profile's consent to one purpose (`Subscriber.consent`): absent means never recorded."""

    granted: bool
    at: str
    source: str


class NotificationTargets(TypedDict):
    """Whom a trigger named: its first subscriberIds (a summary), its topics, or everyone."""

    subscriberIds: list[str]
    topicKeys: list[str]
    all: bool
    listIds: NotRequired[list[str]]
    segmentId: NotRequired[str]


class Notification(TypedDict):
    """MessagesTable `ENV#<env>#TX#<transactionId>` / `NOTIFICATION`: one per trigger (Novu's activity entry), and
    the transaction's cancellation marker."""

    pk: str
    sk: str
    _id: str
    transactionId: str
    environmentId: str
    campaignId: str
    templateIdentifier: str
    payload: dict[str, Any]
    to: NotificationTargets
    channels: list[str]
    status: str
    """`processing` or `cancelled`."""
    createdAt: str
    activityKey: str
    tenant: NotRequired[dict[str, Any]]
    dispatchedAt: NotRequired[str]
    cancelledAt: NotRequired[str]


class Subscriber(TypedDict, total=False):
    """SubscribersTable `ENV#<env>#SUB#<subscriberId>` / `PROFILE`: a subscriber's profile. The contact fields are
    absent when not given (`email` is removed when cleared); `contactEmail`/`contactPhone` key the contact indexes."""

    pk: str
    sk: str
    listPk: str
    listSk: str
    contactEmail: str
    contactPhone: str
    id: Required[str]
    organizationId: Required[str]
    environmentId: Required[str]
    subscriberId: Required[str]
    firstName: str
    lastName: str
    email: str
    phone: str
    avatar: str
    locale: str
    timezone: str
    data: dict[str, Any]
    channels: list[dict[str, Any]]
    """Each provider's credentials: providerId, integrationIdentifier, credentials."""
    isOnline: bool
    lastOnlineAt: str
    deleted: bool
    createdAt: Required[str]
    updatedAt: Required[str]
    lists: set[str]
    """The ids of the lists it belongs to (a string set, absent when none): what a segment's list rule reads."""
    subscriptions: dict[str, SubscriptionState]
    """Its status by channel (email, sms, push, in_app, chat); a channel absent is `unknown`."""
    consent: dict[str, ConsentState]
    """Its consent by purpose (marketing, or the application's own purposes); a purpose absent was never asked."""
    attributes: dict[str, Any]
    """Values of catalogued attributes, by name (absent when it holds none)."""
    attributesVersion: int
    """Counts the writes of `attributes`: each is conditioned on the one read (its value counts stay exact)."""
    tags: set[str]
    """The tags it has hit (a string set; absent before its first hit)."""
    tagHits: dict[str, dict[str, int]]
    """Hits per tag per UTC day (`yyyy-mm-dd`), the last 30 days (clarion.audience.hit_counts)."""
    tagHitsVersion: int
    """Counts the writes of `tags` and `tagHits`: each is conditioned on the one read."""
    eventHits: dict[str, dict[str, int]]
    """Events per name per UTC day, as `tagHits`."""
    eventHitsVersion: int
    """Counts the writes of `eventHits`, as `tagHitsVersion`."""
    devices: dict[str, int]
    """Its devices per platform (clarion.store.devices.profile_summary), absent before its first device."""
    pushEnabled: bool
    """One of its devices is active (push-enabled, with a token its provider has not refused)."""
    lastSeenAt: str | None
    """The latest `lastSeenAt` of its devices."""


class Device(TypedDict):
    """SubscribersTable `ENV#<env>#SUB#<subscriberId>` / `DEVICE#<deviceId>`: one of a subscriber's devices."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    listPk: NotRequired[str]
    listSk: NotRequired[str]
    environmentId: str
    subscriberId: str
    deviceId: str
    platform: str
    """`ios`, `android` or `web`."""
    token: NotRequired[str]
    """The push token, read only by the push sender (never returned, never logged)."""
    tokenHash: NotRequired[str]
    """clarion.store.keys.device_token_hash of the token."""
    tokenHint: NotRequired[str]
    """The token's last 4 characters: what the API shows of it."""
    pushEnabled: bool
    disabledAt: NotRequired[str]
    """Set when the provider refused the token (EndpointDisabled, InvalidParameter); cleared by a new token."""
    disabledReason: NotRequired[str]
    appVersion: NotRequired[str]
    locale: NotRequired[str]
    timezone: NotRequired[str]
    lastSeenAt: NotRequired[str]
    createdAt: str
    updatedAt: str


class DeliveryRecord(TypedDict):
    """MessagesTable `ENV#<env>#MSG#<messageId>` / `MESSAGE`: one message of any channel, written by the dispatcher
    and claimed by its channel's sender (docs/data-model.md, "Delivery records")."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    environmentId: str
    subscriberId: str
    campaignId: str | None
    transactionId: str | None
    channel: Channel
    status: str
    """`queued`, `sending`, `sent`, `failed`, `filtered`, `skipped` or `cancelled`."""
    history: list[dict[str, Any]]
    """Each change: {status, at, reason?, providerId?, providerMessageId?}."""
    to: dict[str, Any]
    content: dict[str, Any]
    providerId: str | None
    providerMessageId: str | None
    attempts: int
    createdAt: str
    updatedAt: str
    expiresAt: int
    stepIndex: NotRequired[int]
    integrations: NotRequired[list[dict[str, Any]]]
    """The candidates chosen at dispatch, in order: {_id, providerId, identifier}."""
    integrationIdentifier: NotRequired[str]
    subscriberKey: NotRequired[str]
    activityKey: NotRequired[str]
    transactionKey: NotRequired[str]
    sendingKey: NotRequired[str]
    """SendingIndex's partition, while `sending`."""
    claimedAt: NotRequired[str]


class JourneyRun(TypedDict, total=False):
    """MessagesTable `ENV#<env>#TX#<transactionId>` / `RUN#<subscriberId>`: a subscriber's run of a journey. Its
    identity is in every run; a stored run also has `status`, `executionArn`, `history` and `createdAt`."""

    pk: str
    sk: str
    environmentId: Required[str]
    campaignId: Required[str]
    version: Required[int]
    subscriberId: Required[str]
    transactionId: Required[str]
    status: str
    """`running`, `cancelled`, or a final status: completed, exited, digested, throttled, failed."""
    currentStep: str | None
    """None in an answer when a running run's execution has entered no step yet."""
    history: list[dict[str, Any]]
    """Each step's outcome: {step, status, at, detail?}."""
    executionArn: str
    createdAt: str
    updatedAt: str
    cancelledAt: str
    expiresAt: int


class InboxMessage(TypedDict):
    """MessagesTable `ENV#<env>#SUB#<subscriberId>#INBOX` / `MSG#<messageId>`: an in-app message, in Novu's message
    shape; the index keys (`feedSk`, `expiryKey`, `unseenPk` while unseen) and `expiresAt` are set when it is put."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    feedSk: NotRequired[str]
    expiresAt: NotRequired[int]
    expiryKey: NotRequired[str]
    unseenPk: NotRequired[str]
    _id: str
    _environmentId: str
    _organizationId: str
    _subscriberId: str
    subscriberId: str
    _templateId: NotRequired[str | None]
    _feedId: NotRequired[str | None]
    templateIdentifier: NotRequired[str | None]
    transactionId: NotRequired[str | None]
    channel: str
    content: str
    cta: dict[str, Any]
    payload: dict[str, Any]
    actor: NotRequired[dict[str, Any]]
    actorSubscriber: NotRequired[dict[str, Any]]
    seen: bool
    read: bool
    lastSeenDate: str | None
    lastReadDate: str | None
    status: str
    deleted: bool
    expireAt: str
    createdAt: str
    updatedAt: str


class Tenant(TypedDict):
    """SubscribersTable `ENV#<env>#TENANT#<identifier>` / `TENANT`: a Novu tenant (its `_id` partition holds the
    pointer back to it and its workflow overrides)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    listPk: NotRequired[str]
    listSk: NotRequired[str]
    _id: str
    identifier: str
    name: NotRequired[str]
    data: NotRequired[dict[str, Any]]
    version: int
    createdAt: str
    updatedAt: str


class Organization(TypedDict):
    """ClientsTable `ORG` / `ORGANIZATION`: the stack's one organization, once renamed or branded."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    name: str
    branding: dict[str, str]
    """Novu's branding fields that were set: logo, color, fontColor, contentBackground, fontFamily, direction."""
    updatedAt: str
    updatedBy: str


class Feed(TypedDict):
    """CampaignsTable `ENV#<env>` / `FEED#<feedId>`: a named in-app feed (Novu's /v1/feeds)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    _environmentId: str
    _organizationId: str
    name: str
    identifier: str
    createdAt: str
    updatedAt: str


class WorkflowOverride(TypedDict):
    """SubscribersTable `ENV#<env>#TENANT_ID#<tenantId>` / `OVERRIDE#<campaignId>`: what a tenant changes of one
    workflow (campaign) for its triggers."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    listPk: NotRequired[str]
    listSk: NotRequired[str]
    _id: str
    _tenantId: str
    _workflowId: str
    active: bool
    preferenceSettings: dict[str, bool]
    version: int
    createdAt: str
    updatedAt: str


class Change(TypedDict):
    """CampaignsTable `ENV#<env>#CHANGES` / `CHANGE#<changeId>`: a layout or campaign written in an environment that
    another environment has as its parent, waiting to be applied (promoted) there."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    _environmentId: str
    _organizationId: str
    _creatorId: str
    _entityId: str
    type: str
    """Novu's entity type: `Layout` or `NotificationTemplate` (a campaign)."""
    enabled: bool
    """True once applied."""
    fields: dict[str, str]
    """What the writes it holds did to each promoted field: `add`, `update` or `delete`."""
    snapshot: dict[str, Any]
    """The entity's promoted fields (and `_id`) as last written: what applying copies."""
    revision: int
    createdAt: str
    updatedAt: str
    appliedAt: NotRequired[str]
    appliedBy: NotRequired[str]


class OneTimePassword(TypedDict):
    """MessagesTable `ENV#<env>#OTP` / `OTP#<otpId>`: a one-time password sent to a recipient for a purpose. The
    code is kept only as its salted scrypt hash (`salt`, `codeHash`: never shown, never logged)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    recipient: dict[str, str]
    """{subscriberId} or {email} or {phone}: who the code is for, as the sender named them."""
    channel: str
    purpose: str
    status: str
    """`sent`, `validated`, `locked`, `invalidated` (a newer code replaced it) or `failed`; `expired` is shown once
    `codeExpiresAt` has passed while still `sent`."""
    attempts: int
    maxAttempts: int
    salt: str
    codeHash: str
    ownCode: bool
    createdAt: str
    codeExpiresAt: str
    codeExpiresEpoch: int
    updatedAt: str
    expiresAt: int
    """Epoch seconds: the table's TTL removes the item (the history keeps 30 days)."""
    validatedAt: NotRequired[str]


class OtpPointer(TypedDict):
    """MessagesTable `ENV#<env>#OTP` / `TO#<purpose>#<sha256(recipient)>`: a recipient's active one-time password for
    a purpose, and its send throttle (the last send, and the sends of the current hour)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    otpId: str
    lastSentEpoch: int
    hourStartEpoch: int
    sendsThisHour: int
    expiresAt: int


class AnalyticsSession(TypedDict, total=False):
    """An app session (MessagesTable `ENV#<env>#SESSION#<sessionId>` / `SESSION`): its start and end as recorded."""

    pk: str
    sk: str
    sessionId: Required[str]
    user: Required[str]
    startedAt: str
    endedAt: str
    duration: int
    expiresAt: int


class AnalyticsRollup(TypedDict, total=False):
    """One UTC hour's analytics (MessagesTable `ENV#<env>#ANALYTICS` / `HOUR#<yyyy-mm-ddThh>`)."""

    pk: str
    sk: str
    hour: Required[str]
    sessions: int
    newUsers: int
    endedSessions: int
    sessionSeconds: int
    locations: int
    sketch: bytes
    version: int


class AnalyticsPlace(TypedDict, total=False):
    """One place's hits in one UTC hour (MessagesTable `ENV#<env>#ANALYTICS` / `PLACES#<hour>#<place>`)."""

    pk: str
    sk: str
    hour: Required[str]
    hits: Required[int]
    country: str
    city: str
    latitude: float
    longitude: float


class TaskCounts(TypedDict):
    """What a task did to its rows: `created` and `updated` items, `failed` rows (each one in the error report)."""

    created: int
    updated: int
    failed: int


class Task(TypedDict):
    """MessagesTable `ENV#<env>#TASKS` / `TASK#<taskId>`: a background task (clarion.tasks), worked a chunk at a time.
    `chunk` numbers the chunks committed: a chunk commits only from the number it read, so a redelivered or
    concurrent run of the same chunk changes nothing. `position` is where the next chunk starts (its kind's own
    values: a byte offset and a row number for an import)."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    kind: str
    status: Literal["queued", "running", "completed", "failed"]
    params: dict[str, Any]
    position: dict[str, Any]
    chunk: int
    done: int
    total: NotRequired[int | None]
    counts: TaskCounts
    errorChunks: NotRequired[list[int]]
    outputChunks: NotRequired[list[int]]
    errorReportFileId: NotRequired[str | None]
    resultFileId: NotRequired[str | None]
    error: NotRequired[str | None]
    createdAt: str
    startedAt: NotRequired[str | None]
    finishedAt: NotRequired[str | None]
    expiresAt: int
    activeKey: NotRequired[str]
    """ActiveTasksIndex partition, while the task is queued or running (removed when it ends)."""
    progressAt: NotRequired[str]
    """When the task last moved (created, started, a chunk committed): ActiveTasksIndex sort key."""


class StoredFile(TypedDict):
    """MessagesTable `ENV#<env>#FILE#<fileId>` / `FILE`: a file in the files bucket (an upload, an export or an error
    report); its object's key is `<environmentId>/<fileId>`, so no request can name another environment's object."""

    pk: NotRequired[str]
    sk: NotRequired[str]
    _id: str
    name: str
    contentType: str
    purpose: Literal["upload", "export", "errors", "report"]
    createdAt: str
    expiresAt: int
