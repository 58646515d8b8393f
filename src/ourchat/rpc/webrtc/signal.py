"""OurChatService.Signal: relay an SDP offer/answer or ICE candidate to another room member."""

from __future__ import annotations

from typing import Any

from ourchat import details
from ourchat._pb.service.ourchat.webrtc.signal.v1.signal_pb2 import (
    SIGNAL_TYPE_ANSWER,
    SIGNAL_TYPE_ICE_CANDIDATE,
    SIGNAL_TYPE_OFFER,
    SignalRequest,
    SignalResponse,
)
from ourchat.caller import current_user_id
from ourchat.deps import Deps
from ourchat.domain import rooms
from ourchat.errors import InvalidArgument

#: The most a signal's texts may hold together (an SDP with audio, video and data is a few KiB).
MAX_SIGNAL_BYTES = 64 * 1024


def _content(request: SignalRequest) -> rooms.SignalContent:
    """The checked signal.

    Raises:
        InvalidArgument: "Signal Type Must Be Specified" (also for a number no type has);
            "sdp is required for offer/answer signals"; "ice_candidate is required for ICE
            candidate signals"; "Request Invalid Value" past :data:`MAX_SIGNAL_BYTES`.
    """
    kind = request.signal_type
    if kind in (SIGNAL_TYPE_OFFER, SIGNAL_TYPE_ANSWER):
        if not request.sdp:
            raise InvalidArgument(details.SDP_REQUIRED)
    elif kind == SIGNAL_TYPE_ICE_CANDIDATE:
        if not request.ice_candidate:
            raise InvalidArgument(details.ICE_CANDIDATE_REQUIRED)
    else:
        raise InvalidArgument(details.SIGNAL_TYPE_UNSPECIFIED)
    size = sum(len(t.encode()) for t in (request.sdp, request.ice_candidate, request.sdp_mid))
    if size > MAX_SIGNAL_BYTES:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
    return rooms.SignalContent(
        signal_type=int(kind),
        sdp=request.sdp,
        ice_candidate=request.ice_candidate,
        sdp_mid=request.sdp_mid,
        sdp_mline_index=request.sdp_mline_index,
    )


async def handle(deps: Deps, request: SignalRequest, context: Any) -> SignalResponse:
    """Push the signal to ``target_user_id`` on their FetchMsgs streams."""
    await rooms.signal(
        deps,
        caller_id=current_user_id(),
        room_id=request.room_id,
        target_id=request.target_user_id,
        content=_content(request),
    )
    return SignalResponse(success=True)
