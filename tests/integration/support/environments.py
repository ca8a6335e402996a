"""Other environments, made by an admin, and keys for them: what tenant isolation is tested against."""

import uuid

from tests.integration.support.api import Api


def other_environment(admin: Api) -> Api:
    """An admin-made environment and a clients:manage key for it."""
    created = admin.post("/v1/environments", {"name": f"other-{admin.client_id}"})
    assert created.status == 201
    environment_id = created.json()["data"]["_id"]
    return admin.client("tenant-b-manager", ["clients:manage"], environmentId=environment_id)


def other_environment_trigger_key(admin: Api) -> Api:
    """A campaign:trigger key of another environment (made by the admin, as other_environment's)."""
    created = admin.post("/v1/environments", {"name": f"other-{uuid.uuid4().hex[:12]}"})
    assert created.status == 201
    return admin.client("tenant-b-trigger", ["campaign:trigger"], environmentId=created.json()["data"]["_id"])
