"""Every DynamoDB key of Clarion's tables, one function or constant per key (docs/data-model.md explains why).

Every tenant's key starts with `ENV#<environmentId>`, so one environment can never read another's items. Nothing
outside this module spells a key: tests/contract/test_store_keys.py fails on a key literal anywhere else.
"""

import hashlib

# ClientsTable: environments, clients, API keys, rate-limit buckets

ORGANIZATION_PK = "ORG"
"""The partition of the organization's environments (and their names)."""
ENVIRONMENT_PREFIX = "ENV#"
"""Sort-key prefix of the environments in the organization's partition."""
CLIENT_PREFIX = "CLIENT#"
"""Sort-key prefix of an environment's clients."""
API_KEY_SK = "KEY"
"""The sort key of an API key's item."""


def environment_pk(environment_id: str) -> str:
    """The environment's partition: its clients (ClientsTable); its campaigns, layouts, schedules (CampaignsTable)."""
    return f"{ENVIRONMENT_PREFIX}{environment_id}"


def environment_sk(environment_id: str) -> str:
    """The environment's item in the organization's partition."""
    return environment_pk(environment_id)


def environment_id_of(key: str) -> str:
    """The environment id of an environment's key (`environment_pk` / `environment_sk`)."""
    return key.removeprefix(ENVIRONMENT_PREFIX)


def environment_name_sk(name: str) -> str:
    """The item holding an environment's name (case-insensitive), so two environments never share one."""
    return f"ENVNAME#{name.lower()}"


def client_sk(client_id: str) -> str:
    """A client in its environment's partition."""
    return f"{CLIENT_PREFIX}{client_id}"


def api_key_pk(hashed_key: str) -> str:
    """The partition of an API key, by its hash: what the authorizer reads."""
    return f"KEY#{hashed_key}"


def client_audit_prefix(client_id: str) -> str:
    """Sort-key prefix of a client's audit entries."""
    return f"AUDIT#{client_id}#"


def client_audit_sk(client_id: str, changed_at: str, entry_id: str) -> str:
    """One audited change to a client, sorted by time."""
    return f"{client_audit_prefix(client_id)}{changed_at}#{entry_id}"


def rate_bucket_pk(environment_id: str, client_id: str) -> str:
    """The partition of a client's rate-limit buckets."""
    return f"{environment_pk(environment_id)}#{CLIENT_PREFIX}{client_id}"


def rate_bucket_sk(route_class: str) -> str:
    """The bucket of one class of routes."""
    return f"RATE#{route_class}"


# SubscribersTable: subscribers, preferences, topics, counters

PROFILE_SK = "PROFILE"
"""The subscriber's profile in its partition."""
PREFERENCE_PREFIX = "PREF#"
"""Sort-key prefix of a subscriber's preferences (global and per campaign)."""
GLOBAL_PREFERENCE_SK = f"{PREFERENCE_PREFIX}GLOBAL"
"""A subscriber's preferences for every campaign."""
TOPIC_SK = "TOPIC"
"""The topic item in its partition."""
SUBSCRIBERS_COUNTER_SK = "COUNT#SUBSCRIBERS"
"""An environment's subscriber count, in its counters partition."""
TOPICS_COUNTER_SK = "COUNT#TOPICS"
"""An environment's topic count, in its counters partition."""


def subscriber_pk(environment_id: str, subscriber_id: str) -> str:
    """One subscriber's partition (profile, preferences, topics); also SubscriberIndex's key of its records."""
    return f"{environment_pk(environment_id)}#SUB#{subscriber_id}"


def subscribers_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's subscribers (sort key: the subscriberId)."""
    return f"{environment_pk(environment_id)}#SUBSCRIBERS"


def contact_key(environment_id: str, field: str, address: str) -> str:
    """EmailIndex / PhoneIndex key of an address, hashed so the index does not copy it (an email lower-cased)."""
    normalized = address.lower() if field == "email" else address
    return f"{environment_id}#{hashlib.sha256(normalized.encode()).hexdigest()}"


def campaign_preference_sk(campaign_id: str) -> str:
    """A subscriber's preferences for one campaign."""
    return f"{PREFERENCE_PREFIX}CAMPAIGN#{campaign_id}"


def membership_sk(topic_key: str) -> str:
    """In the subscriber's partition: it belongs to this topic (`membership_sk("")` is the prefix)."""
    return f"TOPIC#{topic_key}"


def topic_pk(environment_id: str, topic_key: str) -> str:
    """One topic's partition: the topic item and one item per member."""
    return f"{environment_pk(environment_id)}#TOPIC#{topic_key}"


def member_sk(subscriber_id: str) -> str:
    """A member in its topic's partition (`member_sk("")` is the prefix)."""
    return f"SUB#{subscriber_id}"


def topics_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's topics (sort key: the topic key)."""
    return f"{environment_pk(environment_id)}#TOPICS"


def counters_pk(environment_id: str) -> str:
    """The partition of an environment's counters (Novu's totalCount in one read)."""
    return f"{environment_pk(environment_id)}#COUNTERS"


# SubscribersTable: suppressions (addresses never sent to, per channel)

SUPPRESSION_SK = "SUPPRESSION"
"""The suppression item in its partition."""


def suppression_pk(environment_id: str, channel: str, address: str) -> str:
    """One suppressed address's partition, by a hash of the normalised address (the key does not copy it; the item
    keeps it readable for listing): one GetItem checks an address, one BatchGetItem a page of recipients."""
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{environment_pk(environment_id)}#SUPPRESSION#{channel}#{digest}"


def suppressions_list_pk(environment_id: str, channel: str) -> str:
    """ListIndex partition of an environment's suppressions of one channel (sort key: addedAt#hash)."""
    return f"{environment_pk(environment_id)}#SUPPRESSIONS#{channel}"


def suppressions_counter_sk(channel: str) -> str:
    """An environment's count of suppressed addresses on one channel, in its counters partition."""
    return f"COUNT#SUPPRESSIONS#{channel}"


# SubscribersTable: lists (static sets of profiles; the profile's `lists` set mirrors each membership)

LIST_SK = "LIST_ITEM"
"""The list item in its partition."""
LISTS_COUNTER_SK = "COUNT#LISTS"
"""An environment's list count, in its counters partition."""


def list_pk(environment_id: str, list_id: str) -> str:
    """One list's partition: the list item and one item per member (`member_sk`)."""
    return f"{environment_pk(environment_id)}#LIST#{list_id}"


def lists_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's lists (sort key: the list id)."""
    return f"{environment_pk(environment_id)}#LISTS"


SEGMENT_SK = "SEGMENT"
"""The segment item in its partition."""
SEGMENTS_COUNTER_SK = "COUNT#SEGMENTS"
"""An environment's segment count, in its counters partition."""


def segment_pk(environment_id: str, segment_id: str) -> str:
    """One segment's partition: the segment item (its rule tree)."""
    return f"{environment_pk(environment_id)}#SEGMENT#{segment_id}"


def segments_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's segments (sort key: the segment id)."""
    return f"{environment_pk(environment_id)}#SEGMENTS"


# MessagesTable: delivery records, notifications, inbox, journey runs

RECORD_SK = "MESSAGE"
"""The sort key of a delivery record."""
NOTIFICATION_SK = "NOTIFICATION"
"""The sort key of a trigger's notification, in its transaction's partition."""
INBOX_MESSAGE_PREFIX = "MSG#"
"""Sort-key prefix of the messages in an inbox."""
RUN_PREFIX = "RUN#"
"""Sort-key prefix of journey runs, run pointers and event waits."""
DIGEST_CURRENT_SK = "CURRENT"
"""The item naming a digest's open window."""
HOUSEKEEPING_PK = "HOUSEKEEPING"
"""The partition of housekeeping's markers (MessagesTable and CampaignsTable)."""
INBOX_EXPIRY_SWEEP_SK = "INBOX_EXPIRY"
"""The inbox expiry sweep's marker, in the housekeeping partition of MessagesTable."""
_INBOX = "#INBOX"


def record_pk(environment_id: str, message_id: str) -> str:
    """A delivery record's partition."""
    return f"{environment_pk(environment_id)}#MSG#{message_id}"


def record_key_parts(pk: str) -> tuple[str, str]:
    """The environment id and message id of a delivery record's partition key (`record_pk`)."""
    _, environment_id, _, message_id = pk.split("#", 3)
    return environment_id, message_id


def transaction_key(environment_id: str, transaction_id: str) -> str:
    """A trigger's partition (its notification and journey runs); also TransactionIndex's key of its records."""
    return f"{environment_pk(environment_id)}#TX#{transaction_id}"


def messages_day_key(environment_id: str, day: str) -> str:
    """ActivityIndex key of an environment's delivery records of one day (`yyyy-mm-dd`)."""
    return f"{environment_pk(environment_id)}#MESSAGES#{day}"


def notifications_day_key(environment_id: str, day: str) -> str:
    """ActivityIndex key of an environment's notifications of one day (`yyyy-mm-dd`)."""
    return f"{environment_pk(environment_id)}#NOTIFICATIONS#{day}"


def sending_key(shard: int) -> str:
    """SendingIndex key of one shard of claimed records."""
    return f"SENDING#{shard}"


def inbox_pk(environment_id: str, subscriber_id: str) -> str:
    """A subscriber's inbox partition."""
    return f"{subscriber_pk(environment_id, subscriber_id)}{_INBOX}"


def is_inbox_pk(pk: str) -> bool:
    """Whether a MessagesTable partition key is an inbox's."""
    return pk.endswith(_INBOX)


def unseen_pk(environment_id: str, subscriber_id: str) -> str:
    """UnseenIndex partition of a subscriber's unseen messages (sort key: the message's `sk`)."""
    return f"{subscriber_pk(environment_id, subscriber_id)}#UNSEEN"


def inbox_message_sk(message_id: str) -> str:
    """An in-app message in its inbox."""
    return f"{INBOX_MESSAGE_PREFIX}{message_id}"


def feed_sk(created_at: str, message_id: str) -> str:
    """InboxFeedIndex sort key: creation time (ISO 8601 UTC sorts as text), the message id breaking ties."""
    return f"{created_at}#{message_id}"


def inbox_expiry_key(hour: str, shard: int) -> str:
    """InboxExpiryIndex key of one shard of the messages expiring in an hour (`yyyy-mm-ddThh`)."""
    return f"INBOX_EXPIRY#{hour}#{shard}"


def expired_inboxes_pk(environment_id: str) -> str:
    """The partition of an environment's expire-inbox markers (one per campaign)."""
    return f"{environment_pk(environment_id)}#INBOX_EXPIRED"


def expired_inbox_sk(campaign_id: str) -> str:
    """The expire-inbox marker of one campaign (`expired_inbox_sk("")` is the prefix)."""
    return f"CAMPAIGN#{campaign_id}"


def run_sk(subscriber_id: str) -> str:
    """A subscriber's journey run, in its transaction's partition."""
    return f"{RUN_PREFIX}{subscriber_id}"


def run_pointers_pk(environment_id: str, campaign_id: str, subscriber_id: str) -> str:
    """The partition of a subscriber's runs of one journey (pointers to them)."""
    return f"{environment_pk(environment_id)}#JOURNEY#{campaign_id}#SUB#{subscriber_id}"


def run_pointer_sk(created_at: str, transaction_id: str) -> str:
    """A pointer to a run, newest last."""
    return f"{RUN_PREFIX}{created_at}#{transaction_id}"


def event_wait_pk(environment_id: str, subscriber_id: str, event: str) -> str:
    """The partition of the runs waiting for a subscriber's event."""
    return f"{environment_pk(environment_id)}#AWAIT#{subscriber_id}#{event}"


def event_wait_sk(transaction_id: str, campaign_id: str, step: str) -> str:
    """A run's task token, waiting for the event."""
    return f"{RUN_PREFIX}{transaction_id}#{campaign_id}#{step}"


def hits_pk(environment_id: str, subscriber_id: str) -> str:
    """The partition of a subscriber's events (hits)."""
    return f"{environment_pk(environment_id)}#HITS#{subscriber_id}"


def hit_sk(at: str, hit_id: str) -> str:
    """One event, by time."""
    return f"EVENT#{at}#{hit_id}"


def digest_pk(environment_id: str, campaign_id: str, step: str, subscriber_id: str, key_hash: str) -> str:
    """The partition of a digest step's windows for one subscriber and digest key."""
    return f"{environment_pk(environment_id)}#DIGEST#{campaign_id}#{step}#{subscriber_id}#{key_hash}"


def throttle_pk(environment_id: str, campaign_id: str, step: str, subscriber_id: str, key_hash: str) -> str:
    """The partition of a throttle step's counters for one subscriber and throttle key."""
    return f"{environment_pk(environment_id)}#THROTTLE#{campaign_id}#{step}#{subscriber_id}#{key_hash}"


def window_sk(start: str | int) -> str:
    """A digest window (by its leader's transactionId) or a throttle window (by its start)."""
    return f"WINDOW#{start}"


# MessagesTable: app analytics (sessions, locations, first-seen users, hourly rollups)

ROLLUP_HOUR_PREFIX = "HOUR#"
"""Sort-key prefix of an environment's hourly analytics rollups."""
PLACE_HOUR_PREFIX = "PLACES#"
"""Sort-key prefix of an environment's hourly location counters (one item per hour and place)."""
SESSION_SK = "SESSION"
"""The sort key of an app session's item (its start, its end)."""
FIRST_SEEN_SK = "FIRST_SEEN"
"""The sort key of a user's first-seen marker."""
LOCATION_HIT_SK = "LOCATION"
"""The sort key of one location hit's item."""


def analytics_pk(environment_id: str) -> str:
    """The partition of an environment's analytics rollups: hourly figures and hourly place counters."""
    return f"{environment_pk(environment_id)}#ANALYTICS"


def rollup_hour_sk(hour: str) -> str:
    """The rollup of one UTC hour (`yyyy-mm-ddThh`), which sorts as text."""
    return f"{ROLLUP_HOUR_PREFIX}{hour}"


def place_hour_sk(hour: str, place: str) -> str:
    """The counter of one place in one UTC hour."""
    return f"{PLACE_HOUR_PREFIX}{hour}#{place}"


def session_pk(environment_id: str, session_id: str) -> str:
    """An app session's partition."""
    return f"{environment_pk(environment_id)}#SESSION#{session_id}"


def first_seen_pk(environment_id: str, user: str) -> str:
    """A user's (`s:<subscriberId>` or `d:<deviceId>`) first-seen marker."""
    return f"{environment_pk(environment_id)}#SEEN#{user}"


def location_hit_pk(environment_id: str, hit_id: str) -> str:
    """One location hit, by its id (the SDK's, so a hit sent again is counted once)."""
    return f"{environment_pk(environment_id)}#LOCHIT#{hit_id}"


OTP_PREFIX = "OTP#"
"""Sort-key prefix of the one-time passwords in their environment's OTP partition (newest last: ids sort by time)."""


def otp_pk(environment_id: str) -> str:
    """The environment's one-time passwords and the pointers to each recipient's active one."""
    return f"{environment_pk(environment_id)}#OTP"


def otp_sk(otp_id: str) -> str:
    """A one-time password (its salted hash, never the code) in the environment's OTP partition."""
    return f"{OTP_PREFIX}{otp_id}"


def otp_recipient_sk(purpose: str, recipient: str) -> str:
    """The pointer to the active one-time password of a recipient (`subscriber:<id>`, `email:<address>` or
    `phone:<number>`) for a purpose, hashed so the key does not copy the address (an email lower-cased)."""
    kind, _, value = recipient.partition(":")
    normalized = f"{kind}:{value.lower()}" if kind == "email" else recipient
    return f"TO#{purpose}#{hashlib.sha256(normalized.encode()).hexdigest()}"


# MessagesTable: background tasks (imports, exports, ...) and files, each expiring with its S3 object

TASK_PREFIX = "TASK#"
_TASKS = "#TASKS"
"""Sort-key prefix of the tasks in their environment's tasks partition (newest last: ids sort by time)."""
FILE_SK = "FILE"
"""The item of a file (its S3 object's key, name and media type) in the file's partition."""


def tasks_pk(environment_id: str) -> str:
    """The environment's background tasks, and the request keys that make a repeated import answer its first task."""
    return f"{environment_pk(environment_id)}{_TASKS}"


def task_sk(task_id: str) -> str:
    """A task in its environment's tasks partition."""
    return f"{TASK_PREFIX}{task_id}"


ACTIVE_TASKS_KEY = "TASKS#ACTIVE"
"""ActiveTasksIndex partition: every queued or running task of every environment (sparse: a task leaves it when it
ends), by the time of its last progress, so housekeeping finds the tasks nothing works any more without a scan."""


def task_key_parts(pk: str, sk: str) -> tuple[str, str]:
    """The environment id and task id of a task's keys (`tasks_pk`, `task_sk`)."""
    return environment_id_of(pk.removesuffix(_TASKS)), sk.removeprefix(TASK_PREFIX)


def task_request_sk(request_hash: str) -> str:
    """The pointer from a request's hash (an import of one file with one set of options) to the task it started."""
    return f"REQUEST#{request_hash}"


def file_pk(environment_id: str, file_id: str) -> str:
    """One file's partition (uploaded, exported, or an error report)."""
    return f"{environment_pk(environment_id)}#FILE#{file_id}"


# CampaignsTable: campaigns, layouts, integrations, schedules, stats, journey snapshots

CAMPAIGN_PREFIX = "CAMPAIGN#"
"""Sort-key prefix of an environment's campaigns."""
LAYOUT_PREFIX = "LAYOUT#"
"""Sort-key prefix of an environment's layouts."""
DEFAULT_LAYOUT_SK = "LAYOUT_DEFAULT"
"""The pointer to an environment's default layout."""
INTEGRATION_PREFIX = "INTEGRATION#"
"""Sort-key prefix of an environment's integrations."""
SCHEDULE_PREFIX = "SCHEDULE#"
"""Sort-key prefix of an environment's campaign schedules."""
STATS_PREFIX = "STATS#"
"""Sort-key prefix of daily campaign stats."""
WORKFLOW_GROUP_PREFIX = "WORKFLOW_GROUP#"
"""Sort-key prefix of an environment's workflow groups (Novu's notification groups)."""


PROMOTION_PREFIX = "PROMOTION#"
"""Sort-key prefix of the promotions in an environment's promotions partition."""


def promotions_pk(environment_id: str) -> str:
    """The partition of an environment's promotions (CampaignsTable): listing them is one Query."""
    return f"{environment_pk(environment_id)}#PROMOTIONS"


def promotion_sk(external_id: str) -> str:
    """A promotion, by the bonus engine's id for it."""
    return f"{PROMOTION_PREFIX}{external_id}"


def campaign_sk(campaign_id: str) -> str:
    """A campaign in its environment's partition."""
    return f"{CAMPAIGN_PREFIX}{campaign_id}"


def identifier_sk(identifier: str) -> str:
    """Holds a campaign's (or, in the integrations partition, an integration's) identifier: keeps it unique."""
    return f"IDENTIFIER#{identifier}"


def workflow_group_sk(group_id: str) -> str:
    """A workflow group in its environment's partition."""
    return f"{WORKFLOW_GROUP_PREFIX}{group_id}"


def layout_sk(layout_id: str) -> str:
    """A layout in its environment's partition."""
    return f"{LAYOUT_PREFIX}{layout_id}"


def layout_identifier_sk(identifier: str) -> str:
    """Holds a layout's identifier: keeps it unique."""
    return f"LAYOUT_IDENTIFIER#{identifier}"


def integrations_pk(environment_id: str) -> str:
    """The partition of an environment's integrations."""
    return f"{environment_pk(environment_id)}#INTEGRATIONS"


def integration_sk(integration_id: str) -> str:
    """An integration in its environment's integrations partition."""
    return f"{INTEGRATION_PREFIX}{integration_id}"


def schedule_sk(campaign_id: str) -> str:
    """A campaign's schedule in its environment's partition."""
    return f"{SCHEDULE_PREFIX}{campaign_id}"


def stats_sk(campaign_id: str, day: str) -> str:
    """A campaign's stats of one day (`yyyy-mm-dd`)."""
    return f"{STATS_PREFIX}{campaign_id}#{day}"


def activity_day_sk(day: str) -> str:
    """An environment's notifications of one day (`yyyy-mm-dd`), rolled up: Novu's activity graph."""
    return f"ACTIVITY#{day}"


def rollup_sk(day: str) -> str:
    """Housekeeping's marker: that day's stats are rolled up."""
    return f"ROLLUP#{day}"


def journey_snapshot_sk(campaign_id: str, version: int) -> str:
    """The immutable snapshot of a journey at a version, which its Lambda tasks read."""
    return f"JOURNEY#{campaign_id}#V#{version}"


# SubscribersTable: Novu's tenants and their workflow overrides

TENANT_SK = "TENANT"
"""The sort key of a tenant's item, and of the pointer to it from its `_id`."""
TENANTS_COUNTER_SK = "COUNT#TENANTS"
"""An environment's tenant count, in its counters partition."""
WORKFLOW_OVERRIDES_COUNTER_SK = "COUNT#WORKFLOW_OVERRIDES"
"""An environment's workflow override count, in its counters partition."""
WORKFLOW_OVERRIDE_SK = "WORKFLOW_OVERRIDE"
"""The sort key of the pointer to a workflow override from its `_id`."""
WORKFLOW_OVERRIDE_PREFIX = "OVERRIDE#"
"""Sort-key prefix of a tenant's workflow overrides, in its `_id` partition."""


def tenant_pk(environment_id: str, identifier: str) -> str:
    """A tenant's partition, by the identifier every tenant route and trigger names it by."""
    return f"{environment_pk(environment_id)}#TENANT#{identifier}"


def tenant_id_pk(environment_id: str, tenant_id: str) -> str:
    """The partition of a tenant's `_id`: the pointer to its identifier and its workflow overrides (renaming the
    tenant moves neither)."""
    return f"{environment_pk(environment_id)}#TENANT_ID#{tenant_id}"


def tenants_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's tenants (sort key: `created_sk`)."""
    return f"{environment_pk(environment_id)}#TENANTS"


def workflow_override_sk(campaign_id: str) -> str:
    """A tenant's override of one workflow (campaign), in the tenant's `_id` partition."""
    return f"{WORKFLOW_OVERRIDE_PREFIX}{campaign_id}"


def workflow_override_pk(environment_id: str, override_id: str) -> str:
    """The partition of the pointer from a workflow override's `_id` to its tenant and workflow."""
    return f"{environment_pk(environment_id)}#WORKFLOW_OVERRIDE#{override_id}"


def workflow_overrides_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's workflow overrides (sort key: `created_sk`)."""
    return f"{environment_pk(environment_id)}#WORKFLOW_OVERRIDES"


def created_sk(created_at: str, item_id: str) -> str:
    """A ListIndex sort key in creation order (ISO 8601 UTC sorts as text), the id breaking ties."""
    return f"{created_at}#{item_id}"


# ClientsTable: the organization (one per stack, beside its environments)

ORGANIZATION_SK = "ORGANIZATION"
"""The organization's item (name, branding) in the organization's partition."""


# CampaignsTable: in-app feeds and the changes awaiting promotion

FEED_PREFIX = "FEED#"
"""Sort-key prefix of an environment's in-app feeds."""
CHANGE_PREFIX = "CHANGE#"
"""Sort-key prefix of an environment's changes, in its changes partition."""


def feed_definition_sk(feed_id: str) -> str:
    """A named in-app feed (Novu's /v1/feeds) in its environment's partition."""
    return f"{FEED_PREFIX}{feed_id}"


def feed_identifier_sk(identifier: str) -> str:
    """Holds a feed's identifier: keeps it unique."""
    return f"FEED_IDENTIFIER#{identifier}"


def changes_pk(environment_id: str) -> str:
    """The partition of an environment's changes (what a development environment can promote)."""
    return f"{environment_pk(environment_id)}#CHANGES"


def change_sk(change_id: str) -> str:
    """A change in its environment's changes partition."""
    return f"{CHANGE_PREFIX}{change_id}"


def pending_change_sk(entity_type: str, entity_id: str) -> str:
    """Names the one change of an entity not applied yet: later writes of the entity update it."""
    return f"PENDING#{entity_type}#{entity_id}"


# Audience data (SubscribersTable: the attribute and tag catalogues, attribute value counters; MessagesTable: tag hits)

ATTRIBUTE_PREFIX = "ATTRIBUTE#"
"""Sort-key prefix of an environment's catalogued attributes."""
TAG_PREFIX = "TAG#"
"""Sort-key prefix of an environment's catalogued tags."""
ATTRIBUTE_VALUE_PREFIX = "VALUE#"
"""Sort-key prefix of an attribute's value counters."""
TAG_HIT_PREFIX = "HIT#"
"""Sort-key prefix of a tag's hits."""
ATTRIBUTES_COUNTER_SK = "COUNT#ATTRIBUTES"
"""An environment's attribute count, in its counters partition."""
TAGS_COUNTER_SK = "COUNT#TAGS"
"""An environment's tag count, in its counters partition."""


def attributes_pk(environment_id: str) -> str:
    """The partition of an environment's attribute catalogue."""
    return f"{environment_pk(environment_id)}#ATTRIBUTES"


def attribute_sk(name: str) -> str:
    """A catalogued attribute (`attribute_sk("")` is the prefix)."""
    return f"{ATTRIBUTE_PREFIX}{name}"


def tags_pk(environment_id: str) -> str:
    """The partition of an environment's tag catalogue."""
    return f"{environment_pk(environment_id)}#TAGS"


def tag_sk(tag: str) -> str:
    """A catalogued tag."""
    return f"{TAG_PREFIX}{tag}"


def attribute_values_pk(environment_id: str, name: str) -> str:
    """The partition of one attribute's value counters (how many profiles hold each value)."""
    return f"{environment_pk(environment_id)}#VALUES#{name}"


def attribute_value_sk(value_text: str) -> str:
    """One value's counter, by the value's canonical text."""
    return f"{ATTRIBUTE_VALUE_PREFIX}{value_text}"


def tag_hits_pk(environment_id: str, tag: str, subscriber_id: str | None = None) -> str:
    """The partition of a tag's hits; with `subscriber_id`, of that subscriber's hits of the tag (a copy of each)."""
    tag_partition = f"{environment_pk(environment_id)}#TAGHITS#{tag}"
    return tag_partition if subscriber_id is None else f"{tag_partition}#SUB#{subscriber_id}"


def tag_device_hits_pk(environment_id: str, tag: str, device_id: str) -> str:
    """The partition of a device's hits of a tag (a copy of each)."""
    return f"{tag_hits_pk(environment_id, tag)}#DEVICE#{device_id}"


def tag_hit_sk(at: str, hit_id: str) -> str:
    """One tag hit, by time."""
    return f"{TAG_HIT_PREFIX}{at}#{hit_id}"


# Devices (SubscribersTable: each device in its subscriber's partition, a pointer by device id, counters)

DEVICE_PREFIX = "DEVICE#"
"""Sort-key prefix of a subscriber's devices, in its partition."""
DEVICE_POINTER_SK = "DEVICE"
"""The sort key of a device's pointer item (its subscriber), in the device's own partition."""
DEVICES_COUNTER_SK = "COUNT#DEVICES"
"""An environment's device count, in its counters partition (`#<platform>` appended: per platform)."""


def device_sk(device_id: str) -> str:
    """A device in its subscriber's partition (`device_sk("")` is the prefix)."""
    return f"{DEVICE_PREFIX}{device_id}"


def device_pk(environment_id: str, device_id: str) -> str:
    """The partition of a device's pointer: which subscriber's partition holds the device."""
    return f"{environment_pk(environment_id)}#DEVICE#{device_id}"


def devices_list_pk(environment_id: str) -> str:
    """ListIndex partition of an environment's devices (sort key: `<platform>#<deviceId>`)."""
    return f"{environment_pk(environment_id)}#DEVICES"


def devices_counter_sk(platform: str | None = None) -> str:
    """The environment's device count, or its count of one platform's devices."""
    return DEVICES_COUNTER_SK if platform is None else f"{DEVICES_COUNTER_SK}#{platform}"


def device_token_hash(environment_id: str, token: str) -> str:
    """A push token's lookup hash: the token itself is never a key."""
    return hashlib.sha256(f"{environment_id}#{token}".encode()).hexdigest()


# Push actions (MessagesTable: each under its message, copies by campaign, subscriber and device, counters)

ACTION_PREFIX = "ACTION#"
"""Sort-key prefix of a message's actions, and of the actions in a listing partition."""
ACTIONS_COUNT_SK = "ACTIONS_COUNT"
"""A listing partition's action count (its totalCount); a campaign's also counts each action."""
ACTIONS_DAY_COUNT_PREFIX = "ACTIONS_COUNT#"
"""Sort-key prefix of a campaign's action counts per UTC day."""


ACTIONS_BY_CAMPAIGN, ACTIONS_BY_SUBSCRIBER, ACTIONS_BY_DEVICE = "CAMPAIGN", "SUB", "DEVICE"
"""The kinds of listing partitions (`actions_pk`)."""


def action_sk(action: str) -> str:
    """One action of a message, in the message's partition: one item per (message, action)."""
    return f"{ACTION_PREFIX}{action}"


def actions_pk(environment_id: str, kind: str, owner_id: str) -> str:
    """The partition of the actions of one campaign, subscriber or device (`kind`: CAMPAIGN, SUB or DEVICE)."""
    return f"{environment_pk(environment_id)}#ACTIONS#{kind}#{owner_id}"


def action_copy_sk(at: str, action_id: str) -> str:
    """An action in a listing partition, by time."""
    return f"{ACTION_PREFIX}{at}#{action_id}"


def actions_day_count_sk(day: str) -> str:
    """A campaign's action counts of one UTC day (yyyy-mm-dd)."""
    return f"{ACTIONS_DAY_COUNT_PREFIX}{day}"


# ConnectionsTable: the open WebSocket connections of the real-time inbox

CONNECTION_PREFIX = "CONN#"
"""Sort-key prefix of a subscriber's connections."""


def connections_pk(environment_id: str, subscriber_id: str) -> str:
    """The partition of a subscriber's open WebSocket connections: what a push reads."""
    return f"{subscriber_pk(environment_id, subscriber_id)}#CONNECTIONS"


def connection_sk(connection_id: str) -> str:
    """One open connection, by API Gateway's connection id."""
    return f"{CONNECTION_PREFIX}{connection_id}"
