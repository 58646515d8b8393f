from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContactRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_ROLE_UNSPECIFIED: _ClassVar[ContactRole]
    CONTACT_ROLE_ADMIN: _ClassVar[ContactRole]
    CONTACT_ROLE_SECURITY: _ClassVar[ContactRole]
CONTACT_ROLE_UNSPECIFIED: ContactRole
CONTACT_ROLE_ADMIN: ContactRole
CONTACT_ROLE_SECURITY: ContactRole

class Contact(_message.Message):
    __slots__ = ("email_address", "ocid", "role", "phone_number")
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    OCID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    email_address: str
    ocid: str
    role: ContactRole
    phone_number: str
    def __init__(self, email_address: _Optional[str] = ..., ocid: _Optional[str] = ..., role: _Optional[_Union[ContactRole, str]] = ..., phone_number: _Optional[str] = ...) -> None: ...

class SupportRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SupportResponse(_message.Message):
    __slots__ = ("contacts", "support_page")
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    SUPPORT_PAGE_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    support_page: str
    def __init__(self, contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ..., support_page: _Optional[str] = ...) -> None: ...
