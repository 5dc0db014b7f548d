"""Where the masters are and how to reach them: the CLI's flags and environment, for Python.

Mirrors `baton submit`'s options (cli MasterOption): BATON_MASTER (default 127.0.0.1:7233, several
comma-separated, at most 16), BATON_TLS_CA / BATON_TLS_CERT / BATON_TLS_KEY (PEM files; TLS only with
a CA) and BATON_TOKEN (a bearer token, sent as `authorization: Bearer T` on every call). As on the
Java side a token goes over TLS, or in plaintext to a loopback address only. Every problem is a
:class:`BatonClientError` with one line naming what is wrong and what is expected.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple

DEFAULT_ADDRESS = "127.0.0.1:7233"
#: At most this many masters in BATON_MASTER / --master, as the CLI (MasterAddresses.MAX).
MAX_ADDRESSES = 16
#: A PEM file larger than this is not a certificate bundle (1 MiB).
MAX_PEM_BYTES = 1024 * 1024
#: A token longer than this is refused before it is sent (8 KiB, the server's header budget).
MAX_TOKEN_CHARS = 8192


class BatonClientError(ValueError):
    """Bad input or settings: the message is one line naming the problem and the fix."""


@dataclass(frozen=True)
class Settings:
    """How to dial the masters. Build it with :meth:`from_env` or directly; it is validated on use."""

    addresses: Tuple[str, ...] = (DEFAULT_ADDRESS,)
    tls_ca: Optional[str] = None
    tls_cert: Optional[str] = None
    tls_key: Optional[str] = None
    token: Optional[str] = None

    @staticmethod
    def from_env(env: Optional[Mapping[str, str]] = None, *, master: Optional[str] = None,
                 tls_ca: Optional[str] = None, tls_cert: Optional[str] = None,
                 tls_key: Optional[str] = None, token: Optional[str] = None) -> "Settings":
        """Explicit arguments first, else the BATON_* variables of `env` (default os.environ)."""
        env = os.environ if env is None else env

        def pick(value: Optional[str], name: str) -> Optional[str]:
            chosen = value if value is not None else env.get(name)
            return chosen if chosen else None

        return Settings(
            addresses=parse_addresses(pick(master, "BATON_MASTER") or DEFAULT_ADDRESS),
            tls_ca=pick(tls_ca, "BATON_TLS_CA"),
            tls_cert=pick(tls_cert, "BATON_TLS_CERT"),
            tls_key=pick(tls_key, "BATON_TLS_KEY"),
            # a token pasted from a file often ends in a newline: the CLI strips it too
            token=(pick(token, "BATON_TOKEN") or "").strip() or None,
        )

    @property
    def tls(self) -> bool:
        return self.tls_ca is not None

    def validate(self) -> None:
        """Raises BatonClientError for a combination the CLI would refuse too."""
        if not self.addresses:
            raise BatonClientError("BATON_MASTER: empty (expected: host:port[,host:port...])")
        for a in self.addresses:
            split_host_port(a)
        if not self.tls and (self.tls_cert or self.tls_key):
            raise BatonClientError("BATON_TLS_CERT/BATON_TLS_KEY without BATON_TLS_CA (expected: the CA bundle"
                                   " that the masters' certificates chain to, too)")
        if bool(self.tls_cert) != bool(self.tls_key):
            missing = "BATON_TLS_KEY" if self.tls_cert else "BATON_TLS_CERT"
            raise BatonClientError(f"{missing} is missing (expected: BATON_TLS_CERT and BATON_TLS_KEY together,"
                                   " or neither)")
        if self.token is not None:
            if len(self.token) > MAX_TOKEN_CHARS:
                raise BatonClientError(f"BATON_TOKEN: {len(self.token)} characters (expected: at most"
                                       f" {MAX_TOKEN_CHARS})")
            if not self.token.isprintable() or " " in self.token.strip() or not self.token.strip():
                raise BatonClientError("BATON_TOKEN: holds spaces or control characters (expected: the token"
                                       " alone, as printed by whoever issued it)")
            if not self.tls:
                for a in self.addresses:
                    if not is_loopback(split_host_port(a)[0]):
                        raise BatonClientError(f"BATON_TOKEN over plaintext to {a} (expected: BATON_TLS_CA for"
                                               " TLS; a token goes in plaintext to a loopback address only)")

    def read_pem(self) -> Tuple[Optional[bytes], Optional[bytes], Optional[bytes]]:
        """The CA, key and certificate chain as bytes (None for those not set)."""
        return (_read_pem("BATON_TLS_CA", self.tls_ca), _read_pem("BATON_TLS_KEY", self.tls_key),
                _read_pem("BATON_TLS_CERT", self.tls_cert))


def parse_addresses(value: str) -> Tuple[str, ...]:
    """`host:port[,host:port...]` into a tuple, each checked; at most MAX_ADDRESSES."""
    parts = tuple(p.strip() for p in value.split(",") if p.strip())
    if not parts:
        raise BatonClientError(f"BATON_MASTER: '{value}' names no master (expected: host:port[,host:port...])")
    if len(parts) > MAX_ADDRESSES:
        raise BatonClientError(f"BATON_MASTER: {len(parts)} addresses (expected: at most {MAX_ADDRESSES})")
    for p in parts:
        split_host_port(p)
    return parts


def split_host_port(address: str) -> Tuple[str, int]:
    """`host:port` or `[v6]:port` into its parts; port 1..65535."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise BatonClientError(f"master address '{address}': not host:port (expected: e.g. 127.0.0.1:7233,"
                               " port 1..65535)")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read_pem(name: str, path: Optional[str]) -> Optional[bytes]:
    if path is None:
        return None
    try:
        size = os.path.getsize(path)
        if size > MAX_PEM_BYTES:
            raise BatonClientError(f"{name} {path}: {size} bytes (expected: a PEM file of at most {MAX_PEM_BYTES})")
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise BatonClientError(f"{name} {path}: cannot read it ({e.strerror}; expected: a readable PEM file)") from None
    if b"-----BEGIN " not in data:
        raise BatonClientError(f"{name} {path}: not PEM (expected: a file with -----BEGIN ...----- blocks)")
    return data


def join_addresses(addresses: Sequence[str]) -> str:
    return ",".join(addresses)
