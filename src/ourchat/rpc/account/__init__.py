"""OurChatService account RPCs: GetAccountInfo, SetSelfInfo, Unregister."""
