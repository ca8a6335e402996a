"""The one table of route → required scope: the authorizer, each operation's OpenAPI security and the tests read it.

Keys are API Gateway route keys (`METHOD /path/{param}`), exactly as the template declares the routes.
"""

ROUTE_SCOPES: dict[str, str] = {
    "GET /v1/scopes": "clients:manage",
    "POST /v1/clients": "clients:manage",
    "GET /v1/clients": "clients:manage",
    "GET /v1/clients/{clientId}": "clients:manage",
    "DELETE /v1/clients/{clientId}": "clients:manage",
    "PUT /v1/clients/{clientId}/scopes": "clients:manage",
    "POST /v1/clients/{clientId}/rotate": "clients:manage",
    "GET /v1/clients/{clientId}/audit": "clients:manage",
    "GET /v1/environments": "environments:manage",
    "POST /v1/environments": "environments:manage",
}
