"""Baton's Python client: the generated baton.v1 modules (baton_client.v1, made by generate.sh) and a
small hand-written layer that dials the masters as the `baton` CLI does (BATON_MASTER, BATON_TLS_CA,
BATON_TLS_CERT, BATON_TLS_KEY, BATON_TOKEN) and follows a standby's leader hint."""

try:
    from .v1 import master_pb2 as _generated  # noqa: F401
except ModuleNotFoundError as e:  # a source tree or sdist where generate.sh has not run
    if e.name is None or not e.name.startswith("baton_client.v1"):
        raise
    raise ImportError("baton_client.v1 is not generated (expected: run clients/python/generate.sh, then use or"
                      " install the package)") from None

from ._channel import open_channel
from ._master import (LEADER_TRAILER, MAX_HOPS, MasterClient, MasterUnreachable, describe,
                      leader_hint)
from ._settings import (DEFAULT_ADDRESS, MAX_ADDRESSES, BatonClientError, Settings, is_loopback,
                        parse_addresses, split_host_port)

__all__ = [
    "BatonClientError", "DEFAULT_ADDRESS", "LEADER_TRAILER", "MAX_ADDRESSES", "MAX_HOPS", "MasterClient",
    "MasterUnreachable", "Settings", "describe", "is_loopback", "leader_hint", "open_channel",
    "parse_addresses", "split_host_port",
]
