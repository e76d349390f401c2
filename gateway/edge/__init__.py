"""The HTTP edge of /graphql: aiohttp middlewares that act before any GraphQL work.

CORS for configured origins, the request body size limit, and the request log. Refusals
here answer in GraphQL's error shape (`{"errors": [{"message", "extensions": {"code"}}]}`)
so clients handle them like any other error.
"""
