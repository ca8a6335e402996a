"""Topics on the wire, in Novu v1's shapes."""

from pydantic import ConfigDict, Field

from clarion.models import Model, Name, Request, SubscriberId, TopicKey

MAX_SUBSCRIBERS_PER_CALL = 100
MAX_TOPICS_PER_PAGE = 10  # Novu v1 refuses larger pages of topics
SUBSCRIBERS_SHOWN = 100


class CreateTopicRequest(Request):
    key: TopicKey = Field(description="The application's unique, permanent key for the topic")
    name: Name = Field(description="A descriptive name; it can be changed later")


class RenameTopicRequest(Request):
    name: Name


class TopicSubscribersRequest(Request):
    subscribers: list[SubscriberId] = Field(
        max_length=MAX_SUBSCRIBERS_PER_CALL, description="subscriberIds, at most 100 a call"
    )


class _NovuIds(Model):
    """Novu's `_id`-style names on the wire, plain names in Python."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class CreatedTopic(_NovuIds):
    id: str = Field(alias="_id")
    key: str


class Topic(_NovuIds):
    id: str = Field(alias="_id")
    environmentId: str = Field(alias="_environmentId")
    organizationId: str = Field(alias="_organizationId")
    key: str
    name: str
    subscribers: list[str] = Field(description=f"The first {SUBSCRIBERS_SHOWN} subscriberIds, in id order")
    subscriberCount: int = Field(description="How many subscribers the topic has (Clarion extension)")
    createdAt: str
    updatedAt: str


class FailedSubscribers(Model):
    notFound: list[str]


class AddedSubscribers(Model):
    """Novu's per-item result: `failed` appears only when some subscriberIds do not exist."""

    succeeded: list[str]
    failed: FailedSubscribers | None = Field(default=None, exclude_if=lambda failed: failed is None)


class TopicMember(Model):
    subscriberId: str
    addedAt: str


class TopicSubscriber(_NovuIds):
    id: str = Field(alias="_id")
    organizationId: str = Field(alias="_organizationId")
    environmentId: str = Field(alias="_environmentId")
    subscriberId: str = Field(alias="_subscriberId", description="The subscriber's internal id")
    topicId: str = Field(alias="_topicId")
    topicKey: str
    externalSubscriberId: str = Field(description="The subscriberId the application gave the subscriber")
