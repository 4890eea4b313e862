from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_event_enum import WebhookEventEnum

T = TypeVar("T", bound="Webhook")


@_attrs_define
class Webhook:
    """
    Attributes:
        url (None | str): Where events go; null when none.
        secret (None | str): The new signing secret (`whsec_…`). Only in the answer that made it; it is stored encrypted
            and never shown again.
        secret_set_at (datetime.datetime | None):
        previous_secret_valid_until (datetime.datetime | None): While a rotation's grace period runs, deliveries carry a
            signature with the previous secret too, until this time.
        events (list[WebhookEventEnum]): The event types your receiver can get.
    """

    url: None | str
    secret: None | str
    secret_set_at: datetime.datetime | None
    previous_secret_valid_until: datetime.datetime | None
    events: list[WebhookEventEnum]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url: None | str
        url = self.url

        secret: None | str
        secret = self.secret

        secret_set_at: None | str
        if isinstance(self.secret_set_at, datetime.datetime):
            secret_set_at = self.secret_set_at.isoformat()
        else:
            secret_set_at = self.secret_set_at

        previous_secret_valid_until: None | str
        if isinstance(self.previous_secret_valid_until, datetime.datetime):
            previous_secret_valid_until = self.previous_secret_valid_until.isoformat()
        else:
            previous_secret_valid_until = self.previous_secret_valid_until

        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "secret": secret,
                "secret_set_at": secret_set_at,
                "previous_secret_valid_until": previous_secret_valid_until,
                "events": events,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))

        def _parse_secret(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        secret = _parse_secret(d.pop("secret"))

        def _parse_secret_set_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                secret_set_at_type_0 = datetime.datetime.fromisoformat(data)

                return secret_set_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        secret_set_at = _parse_secret_set_at(d.pop("secret_set_at"))

        def _parse_previous_secret_valid_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_secret_valid_until_type_0 = datetime.datetime.fromisoformat(data)

                return previous_secret_valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        previous_secret_valid_until = _parse_previous_secret_valid_until(d.pop("previous_secret_valid_until"))

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = WebhookEventEnum(events_item_data)

            events.append(events_item)

        webhook = cls(
            url=url,
            secret=secret,
            secret_set_at=secret_set_at,
            previous_secret_valid_until=previous_secret_valid_until,
            events=events,
        )

        webhook.additional_properties = d
        return webhook

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
