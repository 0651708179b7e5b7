from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.alerts_body_mode import AlertsBodyMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.alert_events_body import AlertEventsBody
    from ..models.auto_pause_body import AutoPauseBody


T = TypeVar("T", bound="AlertsBody")


@_attrs_define
class AlertsBody:
    """A service's alert settings as a JSON body gives them (the whole set: what is not given takes
    its default).

        Attributes:
            auto_pause (AutoPauseBody | Unset):
            enabled (bool | Unset):  Default: False.
            events (AlertEventsBody | Unset):
            groups (list[str] | Unset):
            mode (AlertsBodyMode | Unset):  Default: AlertsBodyMode.DIGEST.
            window_minutes (int | Unset):  Default: 15.
    """

    auto_pause: AutoPauseBody | Unset = UNSET
    enabled: bool | Unset = False
    events: AlertEventsBody | Unset = UNSET
    groups: list[str] | Unset = UNSET
    mode: AlertsBodyMode | Unset = AlertsBodyMode.DIGEST
    window_minutes: int | Unset = 15

    def to_dict(self) -> dict[str, Any]:
        auto_pause: dict[str, Any] | Unset = UNSET
        if not isinstance(self.auto_pause, Unset):
            auto_pause = self.auto_pause.to_dict()

        enabled = self.enabled

        events: dict[str, Any] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = self.events.to_dict()

        groups: list[str] | Unset = UNSET
        if not isinstance(self.groups, Unset):
            groups = self.groups

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        window_minutes = self.window_minutes

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if auto_pause is not UNSET:
            field_dict["auto_pause"] = auto_pause
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if events is not UNSET:
            field_dict["events"] = events
        if groups is not UNSET:
            field_dict["groups"] = groups
        if mode is not UNSET:
            field_dict["mode"] = mode
        if window_minutes is not UNSET:
            field_dict["window_minutes"] = window_minutes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.alert_events_body import AlertEventsBody  # noqa: PLC0415
        from ..models.auto_pause_body import AutoPauseBody  # noqa: PLC0415

        d = dict(src_dict)
        _auto_pause = d.pop("auto_pause", UNSET)
        auto_pause: AutoPauseBody | Unset
        if isinstance(_auto_pause, Unset):
            auto_pause = UNSET
        else:
            auto_pause = AutoPauseBody.from_dict(_auto_pause)

        enabled = d.pop("enabled", UNSET)

        _events = d.pop("events", UNSET)
        events: AlertEventsBody | Unset
        if isinstance(_events, Unset):
            events = UNSET
        else:
            events = AlertEventsBody.from_dict(_events)

        groups = cast(list[str], d.pop("groups", UNSET))

        _mode = d.pop("mode", UNSET)
        mode: AlertsBodyMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = AlertsBodyMode(_mode)

        window_minutes = d.pop("window_minutes", UNSET)

        alerts_body = cls(
            auto_pause=auto_pause,
            enabled=enabled,
            events=events,
            groups=groups,
            mode=mode,
            window_minutes=window_minutes,
        )

        return alerts_body
