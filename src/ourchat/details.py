"""Every gRPC error detail string ourchat sends, exactly as clients expect them (BEHAVIOR.md)."""

from __future__ import annotations

# Generic
SERVER_ERROR = "Server Error"
PERMISSION_DENIED = "Permission Denied"
REQUEST_INVALID_VALUE = "Request Invalid Value"
CONFLICT = "Conflict"
NOT_IMPLEMENTED = "Method not implemented!"
SERVER_MAINTAINING = "Server Maintaining"
TOO_MANY_REQUESTS = "Too Many Requests"

# Token and account checks (interceptor)
TOKEN_MISSING = "Token Missing"
TOKEN_INVALID = "Token Invalid"
TOKEN_EXPIRED = "Token Expired"
TOKEN_FORMAT = "Correct format is Authorization: Bearer <jwt>"
ONLY_SUPPORT_BEARER = "Only Support Bearer"
USER_NOT_FOUND = "User Not Found"
ACCOUNT_DELETED = "Account Deleted"

# Register / Auth / account info
PASSWORD_NOT_STRONG = "Password Is Not Strong Enough"
EMAIL_INVALID = "Email Address Is Invalid"
USERNAME_INVALID = "Username Is Invalid"
PUBLIC_KEY_INVALID = "Public Key Is Invalid"
USER_ALREADY_EXISTS = "User Already Exists"
MISSING_AUTH_TYPE = "Missing AuthType"
EMAIL_NOT_VERIFIED = "Email Not Verified"
WRONG_PASSWORD = "Wrong Password"
PASSWORD_TOO_LONG = "Password Too Long"
ACCOUNT_LOCKED = "Account Locked"
OCID_TOO_LONG = "Ocid Too Long"
STATUS_TOO_LONG = "Status Too Long"
VERIFICATION_FAILED = "Verification Failed"

# Messages
TIME_MISSING = "Time Missing"
TIME_FORMAT_ERROR = "Time Format Error"
USER_NOT_IN_SESSION = "User Not In Session"
NOT_IN_SESSION = "Not In Session"
USER_MUTED = "User Muted"
E2EE_NOT_ON = "E2EE Not On"
MESSAGE_NOT_FOUND = "Message Not Found"
STREAM_LAGGED = "Stream Fell Behind, Reconnect"
DELIVERY_UNAVAILABLE = "Delivery Unavailable, Reconnect"
SHUTTING_DOWN = "Server Shutting Down"
TOO_MANY_STREAMS = "Too Many Streams, Reconnect"

# Sessions
SESSION_NOT_FOUND = "Session Not Found"
USER_BANNED = "User Banned"
USER_ALREADY_IN_SESSION = "User Already In Session"
SESSION_INVITATION_NOT_FOUND = "Session Invitation Not Found"
CANNOT_SET_NAME = "Cannot Set Name"
CANNOT_SET_DESCRIPTION = "Cannot Set Description"
CANNOT_SET_AVATAR = "Cannot Set Avatar"
USER_NOT_MUTED = "User Not Be Muted"
USER_NOT_BANNED = "User Not Be Banned"
ROLE_NAME_EMPTY = "Role Name Empty"
ROLE_NOT_FOUND = "Role Not Found"
SESSION_ALREADY_E2EEIZED = "session already e2eeized"
SESSION_ALREADY_DEE2EEIZED = "session already dee2eeized"

# Friends
FRIEND_ALREADY_EXISTS = "Friend Already Exists"
FRIEND_INVITATION_NOT_FOUND = "Friend Invitation Not Found"
FRIEND_NOT_FOUND = "Friend Not Found"
FRIEND_LIMIT_REACHED = "Friend Limit Reached"

# Files
STORAGE_FULL = "Storage Full"
METADATA_ERROR = "Metadata Error"
INCORRECT_ORDER = "Incorrect Order Of Uploading"
FILE_SIZE_ERROR = "File Size Error"
FILE_HASH_ERROR = "File Hash Error"
FILE_NOT_FOUND = "File Not Found"
UPLOAD_SESSION_NOT_FOUND = "Upload Session Not Found"
TOO_MANY_UPLOADS = "Too Many Uploads"
UPLOAD_STALLED = "Upload Stalled"

# Calls (WebRTC rooms and Signal)
ROOM_NOT_FOUND = "WebRTC Room Not Found"
ONLY_ADMINS_CAN_INVITE = "only room admins can invite users"
ALREADY_INVITED_TO_ROOM = "user is already invited to this room"
MUST_BE_INVITED_TO_ROOM = "you must be invited to join this room"
ALREADY_IN_ROOM = "you are already in this room"
NOT_INVITED_TO_ROOM = "you are not invited to this room"
NOT_IN_ROOM = "you are not in this room"
ONLY_ADMINS_CAN_PROMOTE = "only room admins can promote other users"
USER_NOT_IN_ROOM = "user is not in the room"
ONLY_CREATOR_CAN_DEMOTE = "only room creator can demote admins"
CANNOT_DEMOTE_CREATOR = "cannot demote room creator"
ONLY_ADMINS_CAN_KICK = "only room admins can kick users"
CANNOT_KICK_YOURSELF = "cannot kick yourself"
CANNOT_KICK_CREATOR = "cannot kick room creator"
SIGNAL_TYPE_UNSPECIFIED = "Signal Type Must Be Specified"
SDP_REQUIRED = "sdp is required for offer/answer signals"
ICE_CANDIDATE_REQUIRED = "ice_candidate is required for ICE candidate signals"

# E-mail verification (our own: upstream has no such refusals)
EMAIL_NOT_CONFIGURED = "Email Not Configured"
EMAIL_NOT_SENT = "Email Could Not Be Sent"

# Server administration
METRICS_DISABLED_IN_CONFIG = "Metrics are disabled in configuration"
METRICS_DISABLED = "Metrics Disabled"
INVALID_START_TIME = "Invalid Start Time"
INVALID_END_TIME = "Invalid End Time"
INVALID_INTERVAL = "Invalid Interval"
