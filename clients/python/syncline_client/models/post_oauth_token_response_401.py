from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.post_oauth_token_response_401_error import PostOauthTokenResponse401Error
from ..types import UNSET, Unset

T = TypeVar("T", bound="PostOauthTokenResponse401")


@_attrs_define
class PostOauthTokenResponse401:
    """
    Attributes:
        error (PostOauthTokenResponse401Error):
        error_description (str | Unset):
    """

    error: PostOauthTokenResponse401Error
    error_description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error = self.error.value

        error_description = self.error_description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
            }
        )
        if error_description is not UNSET:
            field_dict["error_description"] = error_description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        error = PostOauthTokenResponse401Error(d.pop("error"))

        error_description = d.pop("error_description", UNSET)

        post_oauth_token_response_401 = cls(
            error=error,
            error_description=error_description,
        )

        post_oauth_token_response_401.additional_properties = d
        return post_oauth_token_response_401

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
