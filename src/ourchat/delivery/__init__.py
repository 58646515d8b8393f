"""Live delivery of stored events to open FetchMsgs streams, within and across processes."""
