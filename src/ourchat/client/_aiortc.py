"""A :class:`~ourchat.client.Peer` on ``aiortc`` (install ``ourchat[calls]``), and the WebRTC
configuration for the STUN/TURN servers GetVoipConfig names.

``aiortc`` gathers its ICE candidates before it hands out a description; :class:`AiortcPeer`
takes them out of the SDP so they travel as ICE signals of their own, as browsers trickle them.
``aiortc`` is imported only when one of these is used, so the SDK works without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ourchat._pb.service.basic.voip.v1.get_config_pb2 import GetVoipConfigResponse
from ourchat.client._call import IceCandidate, SessionDescription

if TYPE_CHECKING:
    from aiortc import RTCConfiguration, RTCPeerConnection


def rtc_configuration(voip: GetVoipConfigResponse) -> RTCConfiguration:
    """The ``aiortc`` configuration for the servers (and TURN credentials) of GetVoipConfig."""
    from aiortc import RTCConfiguration, RTCIceServer

    servers = [RTCIceServer(urls=url) for url in voip.stun_servers]
    if voip.turn_enabled and voip.turn_server_url:
        servers.append(
            RTCIceServer(
                urls=voip.turn_server_url,
                username=voip.turn_username or None,
                credential=voip.turn_password or None,
            )
        )
    return RTCConfiguration(iceServers=servers)


def split_candidates(sdp: str) -> SessionDescription:
    """The SDP without its ``a=candidate`` lines, and those candidates (with mid and index)."""
    lines = sdp.splitlines()
    mids: dict[int, str] = {}
    index = -1
    for line in lines:
        if line.startswith("m="):
            index += 1
        elif line.startswith("a=mid:") and index >= 0:
            mids[index] = line[len("a=mid:") :]
    kept: list[str] = []
    candidates: list[IceCandidate] = []
    index = -1
    for line in lines:
        if line.startswith("m="):
            index += 1
        if line.startswith("a=candidate:"):
            candidates.append(IceCandidate(line[len("a=") :], mids.get(index, ""), max(index, 0)))
        elif line != "a=end-of-candidates":
            kept.append(line)
    return SessionDescription("\r\n".join(kept) + "\r\n", candidates)


class AiortcPeer:
    """A :class:`~ourchat.client.Peer` over one ``aiortc`` ``RTCPeerConnection``.

    Args:
        configuration: ICE servers (see :func:`rtc_configuration`); None: aiortc's default.
        setup: called with the new connection before any offer or answer, to add tracks or data
            channels and to register event handlers.
    """

    def __init__(
        self,
        configuration: RTCConfiguration | None = None,
        *,
        setup: Callable[[RTCPeerConnection], None] | None = None,
    ) -> None:
        from aiortc import RTCPeerConnection

        self.connection = RTCPeerConnection(configuration)
        if setup is not None:
            setup(self.connection)

    async def _local(self, description: object) -> SessionDescription:
        await self.connection.setLocalDescription(description)  # type: ignore[arg-type]
        local = self.connection.localDescription
        return split_candidates(local.sdp)

    async def create_offer(self) -> SessionDescription:
        """Make the offer; its candidates are returned apart."""
        return await self._local(await self.connection.createOffer())

    async def accept_offer(self, sdp: str) -> SessionDescription:
        """Take the remote offer and make the answer; its candidates are returned apart."""
        from aiortc import RTCSessionDescription

        await self.connection.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        return await self._local(await self.connection.createAnswer())

    async def accept_answer(self, sdp: str) -> None:
        """Take the remote answer."""
        from aiortc import RTCSessionDescription

        await self.connection.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    async def add_candidate(self, candidate: IceCandidate) -> None:
        """Add a remote candidate (``candidate:...`` text as browsers send it)."""
        from aiortc.sdp import candidate_from_sdp

        ice = candidate_from_sdp(candidate.candidate.removeprefix("candidate:"))
        ice.sdpMid = candidate.sdp_mid
        ice.sdpMLineIndex = candidate.sdp_mline_index
        await self.connection.addIceCandidate(ice)

    async def close(self) -> None:
        """Close the connection."""
        await self.connection.close()
