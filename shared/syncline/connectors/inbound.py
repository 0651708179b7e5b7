"""Inbound: a source whose records are pushed to Syncline (POST /inbound/{tenant}/{path}), never pulled.

Its one entity is user-defined: a name and a JSON sample (Syncline derives the JSON Schema) or a
JSON Schema (the subset of syncline.inbound.schema). Pushed records are validated against it.
`id_field` names the field holding the record's id (a record without one gets the ingest's id and
its index), `reference_field` the one shown as the report's reference (default: the id).
Webhook signing (optional): `webhook` "shopify" or "generic", with the secret in the credentials
(`webhook_secret`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from syncline.connectors.base import ENTITY_NAME, Connector, Page, PermanentError, PushResult
from syncline.inbound.schema import check_schema, derive


class InboundSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: str = Field(min_length=1, max_length=60)
    sample: dict[str, Any] | None = None
    json_schema: dict[str, Any] | None = Field(default=None, alias="schema")
    id_field: str = Field(default="id", min_length=1, max_length=200)
    reference_field: str | None = Field(default=None, max_length=200)
    webhook: Literal["shopify", "generic"] | None = None
    # Pushes within this many seconds of a run's start join it while it is still open (0: a run
    # per push), so a stream of webhooks makes a run a minute, not a run each.
    run_window_seconds: int = Field(default=60, ge=0, le=3600)

    @model_validator(mode="after")
    def _one_shape(self) -> InboundSettings:
        if not ENTITY_NAME.fullmatch(self.entity):
            raise ValueError("entity: letters, digits, _ and -, starting with a letter, at most 60")
        if (self.sample is None) == (self.json_schema is None):
            raise ValueError("give either a JSON sample or a JSON schema")
        if self.json_schema is not None:
            check_schema(self.json_schema)
        return self

    def record_schema(self) -> dict[str, Any]:
        return self.json_schema if self.json_schema is not None else derive(self.sample)


class InboundConnector(Connector):
    system = "inbound"
    settings_model: ClassVar[type[BaseModel]] = InboundSettings
    base_url_required = False

    @classmethod
    def required_credentials(cls, settings: BaseModel) -> tuple[str, ...]:
        return ("webhook_secret",) if getattr(settings, "webhook", None) else ()

    @classmethod
    def entities_for(cls, settings: BaseModel) -> dict[str, frozenset[str]]:
        entity = getattr(settings, "entity", None)
        return {entity: frozenset({"pull"})} if entity else {}

    def entity_directions(self) -> dict[str, frozenset[str]]:
        return self.entities_for(self.parse_settings(self.context.settings))

    def pull(self, entity: str, since: str | None, page: str | None, page_size: int) -> Page:
        return Page(records=[], next_page=None)  # records arrive by push

    def push(
        self,
        entity: str,
        record: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        ambiguous: bool = False,
    ) -> PushResult:
        raise PermanentError("an inbound connector is a source only")
