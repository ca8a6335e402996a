"""Configuration read lazily from the function's environment."""

import os
from functools import cache

from pydantic import ConfigDict, Field

from clarion.models import Model


class Settings(Model):
    model_config = ConfigDict(extra="ignore", frozen=True)

    stage: str = Field(default="dev", alias="STAGE")
    organization_id: str = Field(default="clarion", alias="ORGANIZATION_ID")
    clients_table: str = Field(alias="CLIENTS_TABLE")
    subscribers_table: str = Field(default="", alias="SUBSCRIBERS_TABLE")
    campaigns_table: str = Field(default="", alias="CAMPAIGNS_TABLE")
    messages_table: str = Field(default="", alias="MESSAGES_TABLE")
    idempotency_table: str = Field(default="", alias="IDEMPOTENCY_TABLE")
    connections_table: str = Field(default="", alias="CONNECTIONS_TABLE")
    sender_email: str = Field(default="", alias="SENDER_EMAIL")
    email_queue_url: str = Field(default="", alias="EMAIL_QUEUE_URL")
    sms_queue_url: str = Field(default="", alias="SMS_QUEUE_URL")
    push_queue_url: str = Field(default="", alias="PUSH_QUEUE_URL")
    in_app_queue_url: str = Field(default="", alias="IN_APP_QUEUE_URL")
    chat_queue_url: str = Field(default="", alias="CHAT_QUEUE_URL")
    dispatch_queue_url: str = Field(default="", alias="DISPATCH_QUEUE_URL")
    dispatch_queue_arn: str = Field(default="", alias="DISPATCH_QUEUE_ARN")
    tasks_queue_url: str = Field(default="", alias="TASKS_QUEUE_URL")
    files_bucket: str = Field(default="", alias="FILES_BUCKET")
    schedule_group: str = Field(default="default", alias="SCHEDULE_GROUP")
    scheduler_role_arn: str = Field(default="", alias="SCHEDULER_ROLE_ARN")
    fcm_platform_application_arn: str = Field(default="", alias="FCM_PLATFORM_APPLICATION_ARN")
    apns_platform_application_arn: str = Field(default="", alias="APNS_PLATFORM_APPLICATION_ARN")
    integration_secret_prefix: str = Field(default="clarion/integrations/", alias="INTEGRATION_SECRET_PREFIX")
    journey_role_arn: str = Field(default="", alias="JOURNEY_ROLE_ARN")
    journey_state_machine_prefix: str = Field(default="clarion-journey-", alias="JOURNEY_STATE_MACHINE_PREFIX")
    journey_task_function_name: str = Field(default="", alias="JOURNEY_TASK_FUNCTION_NAME")
    auth_cache_ttl_seconds: int = Field(default=30, ge=0, le=3600, alias="AUTH_CACHE_TTL_SECONDS")
    # tokens per window and client key for each rate-limit class (0: not limited); the template's defaults
    rate_limit_trigger: int = Field(default=600, ge=0, alias="RATE_LIMIT_TRIGGER")
    rate_limit_configuration: int = Field(default=200, ge=0, alias="RATE_LIMIT_CONFIGURATION")
    rate_limit_global: int = Field(default=300, ge=0, alias="RATE_LIMIT_GLOBAL")
    rate_limit_window_seconds: int = Field(default=1, ge=1, le=86400, alias="RATE_LIMIT_WINDOW_SECONDS")
    rate_limit_burst_percent: int = Field(default=10, ge=0, le=1000, alias="RATE_LIMIT_BURST_PERCENT")
    # the widget routes: tokens per window and subscriber token, and per application and source address for sessions
    rate_limit_widget: int = Field(default=20, ge=0, alias="RATE_LIMIT_WIDGET")
    rate_limit_widget_session: int = Field(default=5, ge=0, alias="RATE_LIMIT_WIDGET_SESSION")
    # the email verifier's MX lookups: each one's deadline (0: never looked up, `unknown`), and the nameservers asked
    # (`host` or `host:port`, comma-separated; empty: the system's)
    verifier_dns_timeout_seconds: float = Field(default=1.0, ge=0, le=10, alias="VERIFIER_DNS_TIMEOUT_SECONDS")
    verifier_nameservers: str = Field(default="", alias="VERIFIER_NAMESERVERS")
    # a queued or running task with no progress for this long is ended `failed` by housekeeping: longer than the task
    # worker's timeout plus its queue's visibility timeout times maxReceiveCount (900 + 5400 x 5 s), so no worker
    # or queued message can still move it
    task_stale_after_seconds: int = Field(default=28800, ge=1, alias="TASK_STALE_AFTER_SECONDS")


@cache
def settings() -> Settings:
    """The settings of this container; tests call `settings.cache_clear()` after changing the environment."""
    return Settings.model_validate(dict(os.environ))
