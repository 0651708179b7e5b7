from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.connector_create_credentials_type_0 import (
        ConnectorCreateCredentialsType0,
    )
    from ..models.connector_create_settings import ConnectorCreateSettings


T = TypeVar("T", bound="ConnectorCreate")


@_attrs_define
class ConnectorCreate:
    """
    Attributes:
        connector_id (str): an id: letters, digits, '_', '.', '-' (max 64)
        name (str):
        system (str):
        base_url (None | str | Unset):
        credentials (ConnectorCreateCredentialsType0 | None | Unset): write-only: stored in Secrets Manager
        date_format (str | Unset):  Default: '%Y-%m-%dT%H:%M:%S%z'.
        settings (ConnectorCreateSettings | Unset):
        timezone (str | Unset):  Default: 'UTC'.
    """

    connector_id: str
    name: str
    system: str
    base_url: None | str | Unset = UNSET
    credentials: ConnectorCreateCredentialsType0 | None | Unset = UNSET
    date_format: str | Unset = "%Y-%m-%dT%H:%M:%S%z"
    settings: ConnectorCreateSettings | Unset = UNSET
    timezone: str | Unset = "UTC"

    def to_dict(self) -> dict[str, Any]:
        from ..models.connector_create_credentials_type_0 import (
            ConnectorCreateCredentialsType0,  # noqa: PLC0415
        )

        connector_id = self.connector_id

        name = self.name

        system = self.system

        base_url: None | str | Unset
        if isinstance(self.base_url, Unset):
            base_url = UNSET
        else:
            base_url = self.base_url

        credentials: dict[str, Any] | None | Unset
        if isinstance(self.credentials, Unset):
            credentials = UNSET
        elif isinstance(self.credentials, ConnectorCreateCredentialsType0):
            credentials = self.credentials.to_dict()
        else:
            credentials = self.credentials

        date_format = self.date_format

        settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.settings, Unset):
            settings = self.settings.to_dict()

        timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "connector_id": connector_id,
                "name": name,
                "system": system,
            }
        )
        if base_url is not UNSET:
            field_dict["base_url"] = base_url
        if credentials is not UNSET:
            field_dict["credentials"] = credentials
        if date_format is not UNSET:
            field_dict["date_format"] = date_format
        if settings is not UNSET:
            field_dict["settings"] = settings
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_create_credentials_type_0 import (
            ConnectorCreateCredentialsType0,  # noqa: PLC0415
        )
        from ..models.connector_create_settings import ConnectorCreateSettings  # noqa: PLC0415

        d = dict(src_dict)
        connector_id = d.pop("connector_id")

        name = d.pop("name")

        system = d.pop("system")

        def _parse_base_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        base_url = _parse_base_url(d.pop("base_url", UNSET))

        def _parse_credentials(
            data: object,
        ) -> ConnectorCreateCredentialsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credentials_type_0 = ConnectorCreateCredentialsType0.from_dict(data)

                return credentials_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConnectorCreateCredentialsType0 | None | Unset, data)

        credentials = _parse_credentials(d.pop("credentials", UNSET))

        date_format = d.pop("date_format", UNSET)

        _settings = d.pop("settings", UNSET)
        settings: ConnectorCreateSettings | Unset
        if isinstance(_settings, Unset):
            settings = UNSET
        else:
            settings = ConnectorCreateSettings.from_dict(_settings)

        timezone = d.pop("timezone", UNSET)

        connector_create = cls(
            connector_id=connector_id,
            name=name,
            system=system,
            base_url=base_url,
            credentials=credentials,
            date_format=date_format,
            settings=settings,
            timezone=timezone,
        )

        return connector_create
