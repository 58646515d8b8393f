"""OurChatService file RPCs: Upload, the chunked upload calls, Download and DeleteFile."""

from __future__ import annotations
