"""Which request params a handler actually looked at: a dict that records its reads.

The probe test swaps the emulator's validated params for these, sends one documented param
at a time, and calls a 2xx answer whose handler never read the param "silently ignored".
A param counts as read when the handler gets it, tests for it, or copies its whole parent
(iterating, spreading or deep-copying a dict reads everything under it).
"""

from __future__ import annotations

from typing import Any


def _join(path: str, key: str) -> str:
    return f"{path}[{key}]" if path else key


def wrap(value: Any, path: str, reads: set[str]) -> Any:
    if isinstance(value, dict):
        return Tracked({k: wrap(v, _join(path, k), reads) for k, v in value.items()}, path, reads)
    if isinstance(value, list):
        return [wrap(item, f"{path}[]", reads) for item in value]
    return value


def _read_all(value: Any, path: str, reads: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in dict.items(value):
            reads.add(_join(path, key))
            _read_all(item, _join(path, key), reads)
    elif isinstance(value, list):
        for item in value:
            _read_all(item, f"{path}[]", reads)


class Tracked(dict[str, Any]):
    """A validated params object that notes every key its handler reads."""

    def __init__(self, data: dict[str, Any], path: str, reads: set[str]) -> None:
        super().__init__(data)
        self.path = path
        self.reads = reads

    def _mark(self, key: object) -> None:
        self.reads.add(_join(self.path, str(key)))

    def _whole(self) -> None:
        _read_all(self, self.path, self.reads)

    def __getitem__(self, key: str) -> Any:
        self._mark(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._mark(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._mark(key)
        return super().__contains__(key)

    def pop(self, key: str, *default: Any) -> Any:
        self._mark(key)
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._mark(key)
        return super().setdefault(key, default)

    def items(self) -> Any:
        self._whole()
        return super().items()

    def values(self) -> Any:
        self._whole()
        return super().values()

    def keys(self) -> Any:
        self._whole()
        return super().keys()

    def __iter__(self) -> Any:
        self._whole()
        return super().__iter__()

    def copy(self) -> dict[str, Any]:
        self._whole()
        return dict(super().items())

    def __reduce_ex__(self, protocol: Any) -> Any:
        # A deep copy (the emulator clones with pickle) stores the whole value.
        self._whole()
        return (dict, (dict(super().items()),))
