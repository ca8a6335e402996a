"""The tasks function: files (presigned uploads and downloads), imports, exports, and the tasks that run them."""

from clarion.api import create_app, http_handler
from tasks import file_routes, task_routes, transfer_routes

app = create_app(file_routes.router, task_routes.router, transfer_routes.router)
lambda_handler = http_handler(app)
