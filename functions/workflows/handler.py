"""The workflows function: Novu v1 workflows (campaigns in Novu's workflow shape, also at their former path
/v1/notification-templates), the workflow groups they are filed under, and the changes that promote campaigns and
layouts between environments."""

from clarion.api import create_app, http_handler
from workflows import change_routes, workflow_group_routes, workflow_routes

app = create_app(workflow_routes.router, workflow_group_routes.router, change_routes.router)
lambda_handler = http_handler(app)
