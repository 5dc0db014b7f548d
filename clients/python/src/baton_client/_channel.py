"""Channels to a master, secured as :class:`Settings` says."""

from __future__ import annotations

from typing import Optional

import grpc

from ._settings import Settings

#: A GetPlan of a 100,000-task plan is tens of MiB (the CLI allows the same, LeaderFollower).
MAX_RECEIVE_BYTES = 64 * 1024 * 1024


class _BearerToken(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds `authorization: Bearer T` to every call. An interceptor rather than call credentials
    because grpcio allows call credentials on TLS channels only, and Baton accepts a token in
    plaintext to loopback (Settings.validate refuses anything else)."""

    def __init__(self, token: str) -> None:
        self._header = ("authorization", "Bearer " + token.strip())

    def _with_token(self, details):
        metadata = list(details.metadata or [])
        metadata.append(self._header)
        return details._replace(metadata=metadata) if hasattr(details, "_replace") else _Details(details, metadata)

    def intercept_unary_unary(self, continuation, client_call_details, request):
        return continuation(self._with_token(client_call_details), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return continuation(self._with_token(client_call_details), request)


class _Details(grpc.ClientCallDetails):
    """grpcio's call details are not always a namedtuple: a copy with other metadata."""

    def __init__(self, d, metadata):
        self.method = d.method
        self.timeout = d.timeout
        self.metadata = metadata
        self.credentials = d.credentials
        self.wait_for_ready = getattr(d, "wait_for_ready", None)
        self.compression = getattr(d, "compression", None)


def open_channel(address: str, settings: Settings, *, authority: Optional[str] = None) -> grpc.Channel:
    """A channel to one master address; TLS when settings name a CA, with the token when they hold one.

    The caller closes it. `authority` overrides the name checked against the server's certificate
    (as the CLI's --tls-server-identity does for pods dialled at an IP no certificate names).
    """
    settings.validate()
    options = [("grpc.max_receive_message_length", MAX_RECEIVE_BYTES),
               # as the CLI's keepalive: notice a dead master on a long WatchPlan
               ("grpc.keepalive_time_ms", 30_000), ("grpc.keepalive_timeout_ms", 10_000)]
    if authority:
        options.append(("grpc.ssl_target_name_override", authority))
    if settings.tls:
        ca, key, chain = settings.read_pem()
        credentials = grpc.ssl_channel_credentials(root_certificates=ca, private_key=key, certificate_chain=chain)
        channel = grpc.secure_channel(address, credentials, options=options)
    else:
        channel = grpc.insecure_channel(address, options=options)
    if settings.token:
        channel = grpc.intercept_channel(channel, _BearerToken(settings.token))
    return channel
