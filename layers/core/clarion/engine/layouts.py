"""Which layout wraps each email step: a step without `layoutId` gets the environment's default layout, a step
naming one gets that one, and `layoutId: null` gets none. A trigger's `overrides.layoutIdentifier` (Novu v1) wraps
every email step of that trigger instead; naming no layout of the environment, it is noted on each email and the
steps keep their own layouts, as Novu does. The layouts a campaign needs are read in at most two requests (the
default's or the identifier's pointer, then the layouts), once per trigger and campaign version in a warm
dispatcher, not once per recipient or page."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import cachetools

from clarion.errors import ValidationFailed
from clarion.store.layouts import LayoutsRepository
from clarion.templates.render import RenderFailed
from clarion.templates.wrap import wrap

if TYPE_CHECKING:
    from clarion.store import entities

_CACHED_TRIGGERS = 64
OVERRIDE_FIELD = "overrides.layoutIdentifier"
_cache = cachetools.LRUCache[tuple[str, str, str, str], "StepLayouts"](maxsize=_CACHED_TRIGGERS)
_lock = threading.Lock()


class StepLayouts(NamedTuple):
    """The layouts of one campaign's email steps, read together."""

    default: entities.Layout | None = None
    named: Mapping[str, entities.Layout] = MappingProxyType({})
    override: entities.Layout | None = None  # the trigger's overrides.layoutIdentifier, found
    missing_override: str | None = None  # the trigger's overrides.layoutIdentifier, naming no layout

    def layout_for(self, step: Mapping[str, Any]) -> entities.Layout | None:
        """The layout wrapping the step; a named layout that no longer exists is a RenderFailed on `layoutId`."""
        if step["channel"] != "email":
            return None
        if self.override is not None:
            return self.override
        if "layoutId" not in step:
            return self.default
        layout_id = step["layoutId"]
        if layout_id is None:
            return None
        layout = self.named.get(layout_id)
        if layout is None:
            raise RenderFailed("layoutId", f"layout '{layout_id}' not found")
        return layout

    def wrap(
        self,
        step: Mapping[str, Any],
        body_html: str,
        *,
        subscriber: Mapping[str, Any],
        payload: Mapping[str, Any],
        campaign: Mapping[str, Any],
        trigger: Mapping[str, Any] | None = None,
    ) -> str:
        """The step's rendered email body inside its layout (as is when it has none); raises RenderFailed naming
        `layoutId`, or `overrides.layoutIdentifier` for the trigger's layout."""
        layout = self.layout_for(step)
        if layout is None:
            return body_html
        where = OVERRIDE_FIELD if layout is self.override else "layoutId"
        return wrap(
            layout, body_html, subscriber=subscriber, payload=payload, campaign=campaign, trigger=trigger, field=where
        )

    def override_note(self) -> str | None:
        """What an email of the trigger notes when its overrides.layoutIdentifier names no layout."""
        if self.missing_override is None:
            return None
        return f"{OVERRIDE_FIELD}: no layout has the identifier '{self.missing_override}'; the step's layout is used"


def read_layouts(
    environment_id: str, steps: Iterable[Mapping[str, Any]], override_identifier: str | None = None
) -> StepLayouts:
    """The layouts the email steps use: nothing read when none uses one. A found `override_identifier` (a
    trigger's overrides.layoutIdentifier) is the only layout read."""
    email_steps = [step for step in steps if step["channel"] == "email"]
    repository = LayoutsRepository()
    if override_identifier and email_steps:
        override_id = repository.id_of_identifier(environment_id, override_identifier)
        override = repository.get(environment_id, override_id) if override_id else None
        if override is not None:
            return StepLayouts(override=override)
        return read_layouts(environment_id, email_steps)._replace(missing_override=override_identifier)
    named = {step["layoutId"] for step in email_steps if step.get("layoutId")}
    default_id = repository.default_id(environment_id) if any("layoutId" not in s for s in email_steps) else None
    wanted = named | ({default_id} if default_id else set())
    found = repository.get_many(environment_id, wanted) if wanted else {}
    return StepLayouts(default=found.get(default_id) if default_id else None, named=found)


def layouts_of_trigger(
    environment_id: str, transaction_id: str, campaign: Mapping[str, Any], override_identifier: str | None = None
) -> StepLayouts:
    """`read_layouts` for a campaign's steps (and the trigger's overrides.layoutIdentifier), remembered for the
    trigger: every page (and a continuation run in the same container) of one trigger wraps its emails in the same
    layouts."""
    key = (environment_id, transaction_id, campaign["_id"], str(campaign.get("version")))
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    layouts = read_layouts(environment_id, campaign.get("steps") or [], override_identifier)
    with _lock:
        _cache[key] = layouts
    return layouts


def require_layouts(environment_id: str, layout_ids: Mapping[int, str | None]) -> None:
    """Refuses (422 naming `steps[i].layoutId`) steps naming a layout the environment does not have; `layout_ids`
    maps step index to the layout the step names."""
    named = {index: layout_id for index, layout_id in layout_ids.items() if layout_id}
    if not named:
        return
    found = LayoutsRepository().get_many(environment_id, set(named.values()))
    for index, layout_id in named.items():
        if layout_id not in found:
            raise ValidationFailed(f"layout '{layout_id}' not found", field=f"steps[{index}].layoutId", value=layout_id)
