from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.config_files_body_credentials_type_0 import (
        ConfigFilesBodyCredentialsType0,
    )
    from ..models.config_files_body_files import ConfigFilesBodyFiles


T = TypeVar("T", bound="ConfigFilesBody")


@_attrs_define
class ConfigFilesBody:
    """A configuration directory as {relative path: text} (`syncline config` sends it so).

    Attributes:
        files (ConfigFilesBodyFiles): connectors/<id>.yaml, lookups/<name>.yaml and .csv, notification-groups/<id>.yaml,
            services/<id>.yaml; other paths are ignored
        credentials (ConfigFilesBodyCredentialsType0 | None | Unset): write-only: {connector_id: {credential name:
            value}} for the credentials the connector files name (never stored but in Secrets Manager, never returned)
        prune (bool | Unset): also delete what the company group has and the files do not Default: False.
    """

    files: ConfigFilesBodyFiles
    credentials: ConfigFilesBodyCredentialsType0 | None | Unset = UNSET
    prune: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        from ..models.config_files_body_credentials_type_0 import (
            ConfigFilesBodyCredentialsType0,  # noqa: PLC0415
        )

        files = self.files.to_dict()

        credentials: dict[str, Any] | None | Unset
        if isinstance(self.credentials, Unset):
            credentials = UNSET
        elif isinstance(self.credentials, ConfigFilesBodyCredentialsType0):
            credentials = self.credentials.to_dict()
        else:
            credentials = self.credentials

        prune = self.prune

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "files": files,
            }
        )
        if credentials is not UNSET:
            field_dict["credentials"] = credentials
        if prune is not UNSET:
            field_dict["prune"] = prune

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.config_files_body_credentials_type_0 import (
            ConfigFilesBodyCredentialsType0,  # noqa: PLC0415
        )
        from ..models.config_files_body_files import ConfigFilesBodyFiles  # noqa: PLC0415

        d = dict(src_dict)
        files = ConfigFilesBodyFiles.from_dict(d.pop("files"))

        def _parse_credentials(
            data: object,
        ) -> ConfigFilesBodyCredentialsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credentials_type_0 = ConfigFilesBodyCredentialsType0.from_dict(data)

                return credentials_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConfigFilesBodyCredentialsType0 | None | Unset, data)

        credentials = _parse_credentials(d.pop("credentials", UNSET))

        prune = d.pop("prune", UNSET)

        config_files_body = cls(
            files=files,
            credentials=credentials,
            prune=prune,
        )

        return config_files_body
