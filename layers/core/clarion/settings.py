"""Configuration read lazily from the function's environment."""

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    stage: str = Field(default="dev", alias="STAGE")
    organization_id: str = Field(default="clarion", alias="ORGANIZATION_ID")
    clients_table: str = Field(alias="CLIENTS_TABLE")
    subscribers_table: str = Field(default="", alias="SUBSCRIBERS_TABLE")
    campaigns_table: str = Field(default="", alias="CAMPAIGNS_TABLE")
    messages_table: str = Field(default="", alias="MESSAGES_TABLE")
    sender_email: str = Field(default="", alias="SENDER_EMAIL")
    email_queue_url: str = Field(default="", alias="EMAIL_QUEUE_URL")
    sms_queue_url: str = Field(default="", alias="SMS_QUEUE_URL")
    push_queue_url: str = Field(default="", alias="PUSH_QUEUE_URL")
    in_app_queue_url: str = Field(default="", alias="IN_APP_QUEUE_URL")
    chat_queue_url: str = Field(default="", alias="CHAT_QUEUE_URL")
    dispatch_queue_url: str = Field(default="", alias="DISPATCH_QUEUE_URL")
    dispatch_queue_arn: str = Field(default="", alias="DISPATCH_QUEUE_ARN")
    schedule_group: str = Field(default="default", alias="SCHEDULE_GROUP")
    scheduler_role_arn: str = Field(default="", alias="SCHEDULER_ROLE_ARN")
    fcm_platform_application_arn: str = Field(default="", alias="FCM_PLATFORM_APPLICATION_ARN")
    apns_platform_application_arn: str = Field(default="", alias="APNS_PLATFORM_APPLICATION_ARN")
    integration_secret_prefix: str = Field(default="clarion/integrations/", alias="INTEGRATION_SECRET_PREFIX")
    auth_cache_ttl_seconds: int = Field(default=30, ge=0, le=3600, alias="AUTH_CACHE_TTL_SECONDS")


@cache
def settings() -> Settings:
    """The settings of this container; tests call `settings.cache_clear()` after changing the environment."""
    return Settings.model_validate(dict(os.environ))
