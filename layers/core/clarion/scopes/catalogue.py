"""Every fine scope a client key can carry, grouped as the operations tables of the spec, and the bundles."""

from typing import NamedTuple


class Scope(NamedTuple):
    name: str
    description: str


class ScopeGroup(NamedTuple):
    name: str
    scopes: tuple[Scope, ...]


def _group(name: str, scopes: dict[str, str]) -> ScopeGroup:
    return ScopeGroup(name, tuple(Scope(scope, text) for scope, text in scopes.items()))


GROUPS: tuple[ScopeGroup, ...] = (
    _group(
        "Common operations",
        {
            "create:campaign": "Create an automated campaign or a campaign to be dispatched immediately",
            "create:segment": "Create a segment associated with the environment",
            "create:list": "Create a list of users associated with the environment",
            "create:tag": "Create a new tag",
            "create:attribute": "Create a new attribute",
            "create:profile": "Create a user profile (subscriber)",
            "create:topic": "Create a topic",
            "create:integration": "Create a provider integration",
            "create:layout": "Create a layout",
            "create:tenant": "Create a tenant",
            "create:workflow_override": "Override a workflow for a tenant",
            "create:workflow_group": "Create a workflow group (Novu's notification group)",
            "create:feed": "Create a named in-app feed",
            "create:suppression": "Suppress email addresses and phone numbers (never sent to again)",
            "batch_create:tag": "Create a batch of new tags",
            "batch_create:attribute": "Create a batch of new attributes",
            "batch_create:profile": "Create or update a batch of user profiles",
            "batch_create:promotion": "Create or replace a batch of promotions synced from a bonus engine",
            "update:campaign": "Update a campaign that has already been created",
            "update:segment": "Update an existing segment",
            "update:list": "Update an existing user list",
            "update:profile": "Update a user profile, its credentials, status and preferences",
            "update:device": "Update a device and its push credentials",
            "update:topic": "Rename a topic and change its subscribers",
            "update:sports_subscription": "Subscribe and unsubscribe profiles to a competition's sports updates",
            "update:integration": "Update a provider integration",
            "update:promotion": "Create or replace a promotion synced from a bonus engine",
            "update:layout": "Update a layout",
            "update:tenant": "Change a tenant's name, data or identifier",
            "update:workflow_override": "Change a tenant's override of a workflow",
            "update:workflow_group": "Rename a workflow group",
            "update:message": "Mark in-app messages seen, read or acted upon",
            "delete:campaign": "Delete a campaign (a Novu workflow)",
            "update:subscription": "Subscribe or unsubscribe user profiles on their channels",
            "update:consent": "Record user profiles' consent to each purpose",
            "delete:segment": "Delete a segment",
            "delete:list": "Delete a user list",
            "delete:profile": "Delete a user profile",
            "delete:topic": "Delete a topic",
            "delete:integration": "Delete a provider integration",
            "delete:layout": "Delete a layout",
            "delete:tenant": "Delete a tenant and its workflow overrides",
            "delete:workflow_override": "Delete a workflow override",
            "delete:workflow_group": "Delete a workflow group that has no workflows",
            "delete:feed": "Delete a named in-app feed",
            "delete:message": "Delete a message",
            "delete:suppression": "Lift the suppression of an email address or phone number",
            "delete:promotion": "Delete a promotion synced from a bonus engine",
            "list:campaign": "List created campaigns",
            "list:device": "List the devices using your application",
            "list:profile": "List created user profiles",
            "list:segment": "List segments associated with the environment",
            "list:list": "List all lists associated with the environment",
            "list:list_item": "List all list items",
            "list:action": "List information of push actions related to campaigns",
            "list:device_action": "List information of the push actions sent to individual devices or profiles",
            "list:subscription": "List subscription statuses from user profiles",
            "list:attribute_value": "List profile attribute values from user profiles",
            "list:consent": "List consent preferences information for a user profile",
            "list:tag": "List the tags that have been reported in the environment",
            "list:tag_hit": "List information on devices hitting tags",
            "list:attribute": "List information on attributes associated with users or devices",
            "list:task": "List the tasks associated with the environment",
            "list:promotion": "List promotions synced from connected bonus engines",
            "list:otp": "List OTP history records",
            "list:topic": "List topics and their subscribers",
            "list:integration": "List provider integrations",
            "list:layout": "List layouts",
            "list:tenant": "List tenants",
            "list:workflow_override": "List workflow overrides",
            "list:workflow_group": "List workflow groups",
            "list:feed": "List the named in-app feeds",
            "list:change": "List and count the changes awaiting promotion to the production environment",
            "list:message": "List messages, notifications and the in-app feed",
            "list:suppression": "List the suppressed email addresses and phone numbers",
            "info:campaign": "Get information on a single campaign",
            "info:device": "Get details on a single device using your application",
            "info:profile": "Get information on a user profile",
            "info:segment": "Get information on a single segment",
            "info:list": "Get information on a single user list",
            "info:task": "Get information on asynchronous data tasks such as imports or deletions",
            "info:action": "Get information on a single push notification action",
            "info:otp": "Get information on OTP logs",
            "info:topic": "Get a topic and check a subscriber's membership",
            "info:integration": "Get a provider integration",
            "info:layout": "Get a layout",
            "info:tenant": "Get a tenant",
            "info:workflow_override": "Get a workflow override",
            "info:workflow_group": "Get a workflow group",
            "info:organization": "Get the organization (name, branding) and its members",
            "info:environment": "Get the key's own environment",
            "info:message": "Get a message, a notification or its execution details",
            "info:suppression": "Check whether one email address or phone number is suppressed, and why",
            "info:promotion": "Get a single promotion synced from a bonus engine",
        },
    ),
    _group(
        "Campaign operations",
        {
            "campaign:send": "Send a single campaign",
            "campaign:execute": "Execute a campaign for the targets given in the request",
            "campaign:start": "Start a paused or stopped campaign",
            "campaign:stop": "Stop an active campaign",
            "campaign:schedule": "Schedule a campaign",
            "campaign:expire_inbox": "Expire an entire inbox campaign that is currently live",
            "campaign:remove_inbox": "Remove an inbox message that has already been sent",
            "campaign:cancel_journey": "Make users finish a multi-stage journey, preventing further messages",
            "campaign:trigger": "Trigger a campaign or workflow for subscribers (events API)",
        },
    ),
    _group(
        "Hit operations",
        {
            "hit:tag": "Report a tag hit for a user or device",
            "hit:event": "Report an event for a user or device",
        },
    ),
    _group(
        "Other operations",
        {
            "import": "Create user profiles, set their attributes, import list members and suppressions",
            "export": "Trigger a background task to export device or profile data for a segment",
            "analytics": "Read usage and campaign statistics over a time period",
            "file:download": "Retrieve a file by its identifier",
            "otp:send": "Create and send one-time passwords to users",
            "otp:validate": "Validate one-time passwords entered by users",
            "verify:email": "Verify one email address: syntax, domain, disposable and role checks, suppression, MX",
            "verify:email_list": "Verify a list of email addresses in a background task, with a downloadable report",
            "info:email_verification": "Get a list verification's status, its counts by result and its report file",
        },
    ),
    _group(
        "Administration",
        {
            "clients:manage": "Create, list, rotate and revoke API clients and set their scopes",
            "environments:manage": (
                "List and create environments, issue keys for any environment, rename and brand the organization"
            ),
            "apply:change": "Apply changes: copy layouts, campaigns and feeds into the production environment",
        },
    ),
)

_PROFILE_READ = ("list:profile", "info:profile", "list:attribute", "list:attribute_value")
_PROFILE_WRITE = ("create:profile", "update:profile", "delete:profile", "batch_create:profile")
_LISTS = ("create:list", "update:list", "delete:list", "list:list", "info:list", "list:list_item")
_SUBSCRIPTIONS = ("list:subscription", "update:subscription", "list:consent", "update:consent")
_CAMPAIGN_READ = ("list:campaign", "info:campaign", "list:workflow_group", "info:workflow_group")
_CAMPAIGN_WRITE = (
    "create:campaign",
    "update:campaign",
    "delete:campaign",
    "create:workflow_group",
    "update:workflow_group",
    "delete:workflow_group",
)
_TASKS = ("list:task", "info:task")
_SUPPRESSIONS = ("create:suppression", "delete:suppression", "list:suppression", "info:suppression")
_TENANTS = ("create:tenant", "update:tenant", "delete:tenant", "list:tenant", "info:tenant")
_WORKFLOW_OVERRIDES = (
    "create:workflow_override",
    "update:workflow_override",
    "delete:workflow_override",
    "list:workflow_override",
    "info:workflow_override",
)

# Coarse per-tool scopes of the app-directory spec; viber, crm and pop_ups have no Clarion tool behind them.
_OTP = ("otp:send", "otp:validate", "list:otp", "info:otp")
"""One-time passwords: SMS verification codes are an SMS tool's."""

BUNDLES: dict[str, tuple[str, ...]] = {
    "emails": (
        *_PROFILE_READ,
        *_PROFILE_WRITE,
        *_LISTS,
        *_SUBSCRIPTIONS,
        *_SUPPRESSIONS,
        *_CAMPAIGN_READ,
        *_CAMPAIGN_WRITE,
        "campaign:send",
        "create:layout",
        "update:layout",
        "delete:layout",
        "list:layout",
        "info:layout",
        *_TENANTS,
        *_WORKFLOW_OVERRIDES,
        "list:change",
        "apply:change",
    ),
    "smtp": (
        "campaign:trigger",
        "campaign:send",
        "campaign:execute",
        "list:message",
        "info:message",
        "list:integration",
        "info:integration",
        "create:integration",
        "update:integration",
        "analytics",
        *_SUPPRESSIONS,
    ),
    "sms": (
        *_PROFILE_READ,
        *_PROFILE_WRITE,
        *_LISTS,
        *_SUBSCRIPTIONS,
        *_SUPPRESSIONS,
        "campaign:trigger",
        "campaign:send",
        "list:message",
        *_OTP,
    ),
    "push_service": (
        "update:sports_subscription",
        *_CAMPAIGN_READ,
        *_CAMPAIGN_WRITE,
        "campaign:send",
        "analytics",
        "list:device",
        "info:device",
        "update:device",
        "list:profile",
        "list:action",
        "info:action",
        "list:device_action",
    ),
    "automation": (
        *_CAMPAIGN_READ,
        *_TASKS,
        "analytics",
        "campaign:start",
        "campaign:stop",
        "campaign:cancel_journey",
        *_WORKFLOW_OVERRIDES,
        "list:tenant",
        "info:tenant",
        "list:change",
        "apply:change",
    ),
    "verifier_service": (
        *_PROFILE_READ,
        *_TASKS,
        "export",
        "file:download",
        "list:suppression",
        "info:suppression",
        "verify:email",
        "verify:email_list",
        "info:email_verification",
    ),
    "chatbots": (*_PROFILE_READ, "list:integration", "info:integration", "list:message", "campaign:trigger"),
    "user_data": (*_PROFILE_READ, "list:consent", "list:subscription", "export"),
}

FINE_SCOPES: frozenset[str] = frozenset(scope.name for group in GROUPS for scope in group.scopes)
