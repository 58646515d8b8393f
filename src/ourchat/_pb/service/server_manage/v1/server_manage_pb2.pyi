from ourchat._pb.service.server_manage.config.v1 import config_pb2 as _config_pb2
from ourchat._pb.service.server_manage.delete_account.v1 import delete_account_pb2 as _delete_account_pb2
from ourchat._pb.service.server_manage.monitoring.v1 import monitoring_pb2 as _monitoring_pb2
from ourchat._pb.service.server_manage.publish_announcement.v1 import publish_announcement_pb2 as _publish_announcement_pb2
from ourchat._pb.service.server_manage.session_manage.v1 import session_manage_pb2 as _session_manage_pb2
from ourchat._pb.service.server_manage.set_server_status.v1 import set_server_status_pb2 as _set_server_status_pb2
from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as _user_manage_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
