"""The standard gRPC health service and server reflection are on."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from ourchat.server.app import OurChatServer


async def test_health_reports_serving_for_the_server_and_each_service(
    server: OurChatServer,
) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for name in ("", "service.ourchat.v1.OurChatService", "service.auth.v1.AuthService"):
            reply = await stub.Check(health_pb2.HealthCheckRequest(service=name))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_reflection_lists_our_services(server: OurChatServer) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        call = stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = set()
        async for reply in call:
            names = {s.name for s in reply.list_services_response.service}
            break
        assert {
            "service.auth.v1.AuthService",
            "service.basic.v1.BasicService",
            "service.ourchat.v1.OurChatService",
            "service.server_manage.v1.ServerManageService",
        } <= names
        call = stub.ServerReflectionInfo(
            iter(
                [
                    reflection_pb2.ServerReflectionRequest(
                        file_containing_symbol="service.ourchat.v1.OurChatService"
                    )
                ]
            )
        )
        async for reply in call:
            assert reply.file_descriptor_response.file_descriptor_proto
            break
