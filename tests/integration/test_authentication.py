"""What the gateway and the authorizer answer for missing, malformed, unknown and under-scoped keys."""

from tests.integration.conftest import Api


def test_a_request_without_a_key_is_401_with_a_json_body(runtime):
    response = Api(runtime, None).get("/v1/scopes")
    assert response.status == 401
    assert response.json() == {"message": "Unauthorized"}


def test_an_unknown_key_is_403_with_a_json_body(runtime):
    response = Api(runtime, "sk_thisKeyWasNeverIssued0000000000").get("/v1/scopes")
    assert response.status == 403
    assert response.json() == {"message": "Forbidden"}


def test_a_wrong_scheme_is_403(admin: Api):
    assert Api(admin.runtime, admin.key, scheme="Basic").get("/v1/scopes").status == 403
    assert Api(admin.runtime, admin.key, scheme="Token").get("/v1/scopes").status == 403


def test_both_bearer_and_apikey_schemes_are_accepted(admin: Api):
    assert Api(admin.runtime, admin.key, scheme="Bearer").get("/v1/scopes").status == 200
    assert Api(admin.runtime, admin.key, scheme="ApiKey").get("/v1/scopes").status == 200


def test_a_key_without_the_routes_scope_is_403(admin: Api):
    reader = admin.client("reader", ["list:profile"])
    assert reader.get("/v1/clients").status == 403


def test_the_handler_sees_who_called(admin: Api):
    caller = admin.client("caller", ["clients:manage"])
    created = caller.post("/v1/clients", {"name": "child"}).json()["data"]
    assert created["createdBy"] == caller.client_id
    assert created["environmentId"] == admin.environment_id


def test_a_warm_authorizer_answers_a_repeated_key_without_reading_dynamodb(admin: Api, runtime):
    assert admin.get("/v1/scopes").status == 200
    with runtime.count_aws_calls() as calls:
        # another route: the gateway's cache cannot answer, so the authorizer runs
        assert admin.get("/v1/clients?limit=1").status == 200
        authorizer_reads = calls.get("dynamodb", "GetItem", function="AuthorizerFunction")
    assert authorizer_reads == 0


def test_a_revoked_key_works_at_most_for_the_cache_ttl(admin: Api, runtime):
    client = admin.client("short-lived", ["clients:manage"])
    assert client.get("/v1/scopes").status == 200
    admin.delete(f"/v1/clients/{client.client_id}")
    ttl = runtime.parameter("AuthorizerCacheTtlSeconds")
    runtime.clock.advance(2 * ttl)
    assert client.get("/v1/scopes").status == 403
