"""OurChatService friend RPCs: AddFriend, AcceptFriendInvitation, DeleteFriend, SetFriendInfo."""

from __future__ import annotations

from ourchat import details
from ourchat.domain.friends import MAX_DISPLAY_NAME_CHARS
from ourchat.errors import InvalidArgument


def check_display_name(display_name: str | None) -> None:
    """Check the length of a contact name.

    Raises:
        InvalidArgument: "Request Invalid Value" for a name over 200 characters.
    """
    if display_name is not None and len(display_name) > MAX_DISPLAY_NAME_CHARS:
        raise InvalidArgument(details.REQUEST_INVALID_VALUE)
