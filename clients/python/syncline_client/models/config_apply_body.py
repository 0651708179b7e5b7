from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.config_apply_body_credentials_type_0 import (
        ConfigApplyBodyCredentialsType0,
    )
    from ..models.config_apply_body_files import ConfigApplyBodyFiles


T = TypeVar("T", bound="ConfigApplyBody")


@_attrs_define
class ConfigApplyBody:
    """
    Attributes:
        files (ConfigApplyBodyFiles): connectors/<id>.yaml, lookups/<name>.yaml and .csv, notification-groups/<id>.yaml,
            services/<id>.yaml; other paths are ignored
        credentials (ConfigApplyBodyCredentialsType0 | None | Unset): write-only: {connector_id: {credential name:
            value}} for the credentials the connector files name (never stored but in Secrets Manager, never returned)
        dry_run (bool | Unset): answer the plan, change nothing Default: False.
        prune (bool | Unset): also delete what the company group has and the files do not Default: False.
    """

    files: ConfigApplyBodyFiles
    credentials: ConfigApplyBodyCredentialsType0 | None | Unset = UNSET
    dry_run: bool | Unset = False
    prune: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        from ..models.config_apply_body_credentials_type_0 import (
            ConfigApplyBodyCredentialsType0,  # noqa: PLC0415
        )

        files = self.files.to_dict()

        credentials: dict[str, Any] | None | Unset
        if isinstance(self.credentials, Unset):
            credentials = UNSET
        elif isinstance(self.credentials, ConfigApplyBodyCredentialsType0):
            credentials = self.credentials.to_dict()
        else:
            credentials = self.credentials

        dry_run = self.dry_run

        prune = self.prune

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "files": files,
            }
        )
        if credentials is not UNSET:
            field_dict["credentials"] = credentials
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if prune is not UNSET:
            field_dict["prune"] = prune

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.config_apply_body_credentials_type_0 import (
            ConfigApplyBodyCredentialsType0,  # noqa: PLC0415
        )
        from ..models.config_apply_body_files import ConfigApplyBodyFiles  # noqa: PLC0415

        d = dict(src_dict)
        files = ConfigApplyBodyFiles.from_dict(d.pop("files"))

        def _parse_credentials(
            data: object,
        ) -> ConfigApplyBodyCredentialsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credentials_type_0 = ConfigApplyBodyCredentialsType0.from_dict(data)

                return credentials_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConfigApplyBodyCredentialsType0 | None | Unset, data)

        credentials = _parse_credentials(d.pop("credentials", UNSET))

        dry_run = d.pop("dry_run", UNSET)

        prune = d.pop("prune", UNSET)

        config_apply_body = cls(
            files=files,
            credentials=credentials,
            dry_run=dry_run,
            prune=prune,
        )

        return config_apply_body
