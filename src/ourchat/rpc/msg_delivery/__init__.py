"""OurChatService message delivery: SendMsg, FetchMsgs, RecallMsg."""
