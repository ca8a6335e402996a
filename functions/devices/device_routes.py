"""/v1/devices and /v1/subscribers/{subscriberId}/devices: a profile's devices, their push tokens never shown."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from clarion.api import Limit, PageNumber, SubscriberIdPath, caller, endpoint
from clarion.devices import service
from clarion.devices.models import Device, DeviceId, Platform, RegisterDeviceRequest, UpdateDeviceRequest
from clarion.limits import RouteClass
from clarion.models import Envelope, NovuPage, SubscriberId

router = APIGatewayHttpRouter()
DeviceIdPath = Annotated[DeviceId, Path(description="Your application's id for the device (an installation id)")]
PlatformFilter = Annotated[Platform | None, Query(description="Only this platform's devices")]
SubscriberFilter = Annotated[SubscriberId | None, Query(description="Only this subscriber's devices")]


@endpoint(
    router,
    "PUT /v1/subscribers/{subscriberId}/devices/{deviceId}",
    scope="update:device",
    rate=RouteClass.GLOBAL,
    summary="Register a subscriber's device, or update it (the app calls it at every start)",
)
def register_device(
    subscriberId: SubscriberIdPath, deviceId: DeviceIdPath, body: RegisterDeviceRequest
) -> Envelope[Device]:
    """Registers the app installation `deviceId` for the subscriber, or updates it when it is already this subscriber's
    (fields absent keep their values); `platform` (`ios`, `android`, `web`) cannot change. The push token is never
    returned, only `pushTokenHint`; a device id another subscriber registered is a 409, a 21st device of one subscriber
    a 422, an unknown subscriber a 404."""
    return Envelope(data=service.register_device(caller(router), subscriberId, deviceId, body))


@endpoint(
    router,
    "GET /v1/subscribers/{subscriberId}/devices",
    scope="list:device",
    rate=RouteClass.GLOBAL,
    summary="List a subscriber's devices",
)
def list_subscriber_devices(
    subscriberId: SubscriberIdPath, page: PageNumber = 0, limit: Limit = 10
) -> NovuPage[Device]:
    """Novu's page of the subscriber's devices, each saying whether it is `active` for push. An unknown subscriber is a
    404."""
    return service.list_subscriber_devices(caller(router), subscriberId, page=page, limit=limit)


@endpoint(
    router,
    "GET /v1/devices",
    scope="list:device",
    rate=RouteClass.GLOBAL,
    summary="List the devices, by platform then id",
)
def list_devices(
    page: PageNumber = 0, limit: Limit = 10, platform: PlatformFilter = None, subscriberId: SubscriberFilter = None
) -> NovuPage[Device]:
    """Novu's page (with `totalCount`) of the environment's devices in platform then id order, filtered by `platform` or
    `subscriberId`; pages reach 10,000 devices."""
    return service.list_devices(caller(router), page=page, limit=limit, platform=platform, subscriber_id=subscriberId)


@endpoint(router, "GET /v1/devices/{deviceId}", scope="info:device", rate=RouteClass.GLOBAL, summary="Get a device")
def get_device(deviceId: DeviceIdPath) -> Envelope[Device]:
    """One device (never its push token: `pushTokenHint` shows its last 4 characters). An unknown device is a 404 naming
    `deviceId`."""
    return Envelope(data=service.get_device(caller(router), deviceId))


@endpoint(
    router,
    "PATCH /v1/devices/{deviceId}",
    scope="update:device",
    rate=RouteClass.GLOBAL,
    summary="Update a device: push-enabled, push token, app version, locale, time zone",
)
def update_device(deviceId: DeviceIdPath, body: UpdateDeviceRequest) -> Envelope[Device]:
    """Changes the fields given; a new `pushToken` re-activates a device its push provider disabled. An unknown device
    is a 404 naming `deviceId`."""
    return Envelope(data=service.update_device(caller(router), deviceId, body))
