"""OurChatService call rooms and signalling (WebRTC): one module per RPC."""
