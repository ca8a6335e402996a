"""Promotions: a bonus engine upserts them by its own id, clients list the live ones (or those live at a given time)
and read one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from clarion import clock
from clarion.errors import NotFound
from clarion.models import NovuPage, novu_page
from clarion.principal import Principal
from clarion.promotions.models import (
    DeletedPromotion,
    Promotion,
    PromotionRequest,
    PromotionStatus,
    PromotionWritten,
)
from clarion.promotions.repository import PromotionsRepository

if TYPE_CHECKING:
    from clarion.store import entities


def put_promotion(caller: Principal, external_id: str, request: PromotionRequest) -> tuple[Promotion, bool]:
    """Creates or replaces the promotion (idempotent: the same body again changes nothing but `updatedAt`); the
    promotion, and whether this call created it."""
    now = clock.timestamp_now()
    stored, created = PromotionsRepository().upsert(caller.environment_id, external_id, _stored_fields(request), now)
    return _public(stored, clock.utc_now()), created


def put_promotions(caller: Principal, requests: Sequence[tuple[str, PromotionRequest]]) -> list[PromotionWritten]:
    """Upserts each promotion in order; one result per item."""
    results = []
    for external_id, request in requests:
        _, created = put_promotion(caller, external_id, request)
        results.append(PromotionWritten(externalId=external_id, result="created" if created else "updated"))
    return results


def get_promotion(caller: Principal, external_id: str) -> Promotion:
    found = PromotionsRepository().get(caller.environment_id, external_id)
    if found is None:
        raise NotFound(f"promotion '{external_id}' not found", field="externalId", value=external_id)
    return _public(found, clock.utc_now())


def list_promotions(
    caller: Principal,
    *,
    page: int,
    limit: int,
    active: bool | None = None,
    at: datetime | None = None,
    status: PromotionStatus | None = None,
    promotion_type: str | None = None,
) -> NovuPage[Promotion]:
    """A page of the environment's promotions in externalId order; `active` keeps those live (or not) at `at`
    (default now), `status` and `type` those with that value."""
    moment = at or clock.utc_now()
    matching = [
        item
        for item in PromotionsRepository().all(caller.environment_id)
        if (active is None or _live(item, moment) == active)
        and (status is None or item["status"] == status)
        and (promotion_type is None or item.get("type") == promotion_type)
    ]
    return novu_page(matching, page=page, page_size=limit, public=lambda item: _public(item, moment))


def delete_promotion(caller: Principal, external_id: str) -> DeletedPromotion:
    if not PromotionsRepository().delete(caller.environment_id, external_id):
        raise NotFound(f"promotion '{external_id}' not found", field="externalId", value=external_id)
    return DeletedPromotion()


def _stored_fields(request: PromotionRequest) -> dict[str, Any]:
    fields = request.model_dump(exclude={"startsAt", "endsAt", "externalId"})
    return fields | {
        "startsAt": clock.timestamp(request.startsAt) if request.startsAt else None,
        "endsAt": clock.timestamp(request.endsAt) if request.endsAt else None,
    }


def _live(item: entities.Promotion, moment: datetime) -> bool:
    """Active, started by `moment` and not yet ended (stored instants are UTC text that sorts as time)."""
    now = clock.timestamp(moment)
    starts, ends = item.get("startsAt"), item.get("endsAt")
    return item["status"] == "active" and (not starts or starts <= now) and (not ends or now < ends)


def _public(item: entities.Promotion, moment: datetime) -> Promotion:
    fields = {name: value for name, value in item.items() if name not in ("pk", "sk")}
    return Promotion.model_validate(fields | {"active": _live(item, moment)})
