"""graphql-core's execution context, freed when its operation ends instead of by the cyclic
garbage collector.

The stock context holds bound methods of itself (`async_helpers`) and keeps every collected
selection set (`_relevant_sub_fields`): a cycle of some hundred objects per operation.
Under load they outlive the young collections (requests in flight), reach the oldest
generation and are freed only by full collections, whose walks were a large share of a warm
overview's CPU. Once the response is built nothing reads either (fields run before it), so
both are dropped there and reference counting frees the rest.
"""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class ReleasingExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def build_response(self, data: dict[str, Any] | None) -> Any:
        try:
            return super().build_response(data)
        finally:
            self.async_helpers = None  # type: ignore[assignment]
            self._relevant_sub_fields = {}


__all__ = ["ReleasingExecutionContext"]
