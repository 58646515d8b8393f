from ourchat._pb.service.auth.authorize.v1 import authorize_pb2 as _authorize_pb2
from ourchat._pb.service.auth.email_verify.v1 import email_verify_pb2 as _email_verify_pb2
from ourchat._pb.service.auth.register.v1 import register_pb2 as _register_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
