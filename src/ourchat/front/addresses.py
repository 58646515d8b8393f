"""Who is really behind a connection the front opened to grpcio on the loopback."""

from __future__ import annotations

from ourchat.caller import address_of_peer


class ClientAddresses:
    """The client address of each front→grpcio connection, keyed by its local port."""

    def __init__(self) -> None:
        self._by_port: dict[int, str] = {}

    def add(self, local_port: int, address: str) -> None:
        self._by_port[local_port] = address

    def remove(self, local_port: int) -> None:
        self._by_port.pop(local_port, None)

    def __len__(self) -> int:
        return len(self._by_port)

    def of_peer(self, peer: str) -> str:
        """The real client address of a gRPC peer string (``ipv4:127.0.0.1:51234``).

        Peers the front did not open (a direct connection to the internal port) are
        themselves.
        """
        _, _, port = peer.rpartition(":")
        if port.isdigit():
            address = self._by_port.get(int(port))
            if address is not None:
                return address
        return address_of_peer(peer)
