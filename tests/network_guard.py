"""A network guard for tests: a connection or name lookup that would leave this computer is recorded and refused.

The tests use it in-process (through monkeypatch) and in child processes (through a ``sitecustomize``
module that calls :func:`install`). Loopback and Unix-domain sockets stay allowed: the app talks to
itself over them. Every refusal is recorded before it raises, because a library may catch the error
and carry on quietly; the tests assert that the record is empty.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class OutboundConnectionError(RuntimeError):
    """Raised instead of opening a connection to another computer."""


def is_local(address: object) -> bool:
    """Whether a socket address stays on this computer (loopback IP, 'localhost' or a Unix socket path)."""
    if not isinstance(address, tuple):
        return True  # AF_UNIX path or abstract name
    host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name: looking it up already asks the network


def replacements(record: Callable[[str], None]) -> list[tuple[object, str, Callable]]:
    """(owner, attribute, guarded function) for every socket entry point that can reach another host."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto
    real_create_connection = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def refuse_unless_local(action: str, address: object) -> None:
        if not is_local(address):
            record(f"{action} {address!r}")
            raise OutboundConnectionError(
                f"Test network guard: {action} {address!r} would leave this computer."
            )

    def connect(self: socket.socket, address: object) -> None:
        refuse_unless_local("connect", address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        refuse_unless_local("connect_ex", address)
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: bytes, *flags_and_address: object) -> int:
        refuse_unless_local("sendto", flags_and_address[-1])
        return real_sendto(self, data, *flags_and_address)

    def create_connection(address: tuple, *args: object, **kwargs: object) -> socket.socket:
        refuse_unless_local("create_connection", address)
        return real_create_connection(address, *args, **kwargs)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        if host is not None:
            refuse_unless_local("getaddrinfo", (host, 0))
        return real_getaddrinfo(host, *args, **kwargs)

    return [
        (socket.socket, "connect", connect),
        (socket.socket, "connect_ex", connect_ex),
        (socket.socket, "sendto", sendto),
        (socket, "create_connection", create_connection),
        (socket, "getaddrinfo", getaddrinfo),
    ]


def install(log_path: str) -> None:
    """Guard this whole process, appending each refused attempt to ``log_path`` (for ``sitecustomize``)."""

    def record(attempt: str) -> None:
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(attempt + "\n")

    for owner, name, guarded in replacements(record):
        setattr(owner, name, guarded)
