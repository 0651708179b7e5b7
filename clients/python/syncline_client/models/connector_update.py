from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.connector_update_credentials_type_0 import (
        ConnectorUpdateCredentialsType0,
    )
    from ..models.connector_update_settings_type_0 import ConnectorUpdateSettingsType0


T = TypeVar("T", bound="ConnectorUpdate")


@_attrs_define
class ConnectorUpdate:
    """
    Attributes:
        base_url (None | str | Unset):
        credentials (ConnectorUpdateCredentialsType0 | None | Unset): write-only: replaces the stored set
        date_format (None | str | Unset):
        name (None | str | Unset):
        settings (ConnectorUpdateSettingsType0 | None | Unset):
        timezone (None | str | Unset):
    """

    base_url: None | str | Unset = UNSET
    credentials: ConnectorUpdateCredentialsType0 | None | Unset = UNSET
    date_format: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    settings: ConnectorUpdateSettingsType0 | None | Unset = UNSET
    timezone: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.connector_update_credentials_type_0 import (
            ConnectorUpdateCredentialsType0,  # noqa: PLC0415
        )
        from ..models.connector_update_settings_type_0 import (
            ConnectorUpdateSettingsType0,  # noqa: PLC0415
        )

        base_url: None | str | Unset
        if isinstance(self.base_url, Unset):
            base_url = UNSET
        else:
            base_url = self.base_url

        credentials: dict[str, Any] | None | Unset
        if isinstance(self.credentials, Unset):
            credentials = UNSET
        elif isinstance(self.credentials, ConnectorUpdateCredentialsType0):
            credentials = self.credentials.to_dict()
        else:
            credentials = self.credentials

        date_format: None | str | Unset
        if isinstance(self.date_format, Unset):
            date_format = UNSET
        else:
            date_format = self.date_format

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        settings: dict[str, Any] | None | Unset
        if isinstance(self.settings, Unset):
            settings = UNSET
        elif isinstance(self.settings, ConnectorUpdateSettingsType0):
            settings = self.settings.to_dict()
        else:
            settings = self.settings

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if base_url is not UNSET:
            field_dict["base_url"] = base_url
        if credentials is not UNSET:
            field_dict["credentials"] = credentials
        if date_format is not UNSET:
            field_dict["date_format"] = date_format
        if name is not UNSET:
            field_dict["name"] = name
        if settings is not UNSET:
            field_dict["settings"] = settings
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_update_credentials_type_0 import (
            ConnectorUpdateCredentialsType0,  # noqa: PLC0415
        )
        from ..models.connector_update_settings_type_0 import (
            ConnectorUpdateSettingsType0,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_base_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        base_url = _parse_base_url(d.pop("base_url", UNSET))

        def _parse_credentials(
            data: object,
        ) -> ConnectorUpdateCredentialsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credentials_type_0 = ConnectorUpdateCredentialsType0.from_dict(data)

                return credentials_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConnectorUpdateCredentialsType0 | None | Unset, data)

        credentials = _parse_credentials(d.pop("credentials", UNSET))

        def _parse_date_format(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        date_format = _parse_date_format(d.pop("date_format", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_settings(
            data: object,
        ) -> ConnectorUpdateSettingsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                settings_type_0 = ConnectorUpdateSettingsType0.from_dict(data)

                return settings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConnectorUpdateSettingsType0 | None | Unset, data)

        settings = _parse_settings(d.pop("settings", UNSET))

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        connector_update = cls(
            base_url=base_url,
            credentials=credentials,
            date_format=date_format,
            name=name,
            settings=settings,
            timezone=timezone,
        )

        return connector_update
