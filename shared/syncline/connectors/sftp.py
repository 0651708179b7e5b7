"""`sftp`: CSV / JSON files in folders on an SFTP server (asyncssh).

Base URL `sftp://host[:port][/base/folder]`; credentials `username` plus `password` or
`private_key` (OpenSSH/PEM text, optional `passphrase`). Pin the server with the `host_key`
setting (its OpenSSH public key line); without it the host key is not verified and a warning is
logged.

Pull reads the files matching `file_patterns` in `inbound_path` (`{entity}` is replaced), oldest
first by modification time; the cursor is the modification time of the newest file read
completely, so a later pull reads files changed since (whole seconds, inclusive: a file at the
watermark is read again and its unchanged records keep their version). Rows are CSV lines, JSON
lists/objects or JSON Lines; `id_field`, `reference_field` and `updated_field` pick the fields
(no updated field: the file's time is the version).

Push writes one file per record to `outbound_path` (written under a hidden `.part` name, then
renamed, so a reader never sees half a file) and returns the file name as `endpoint_id` with
status Sent. The name comes from `filename_template` (`{entity}`, `{id}`, `{ext}`, and `{key}`,
`{stamp}`, `{uuid}`). With an idempotency key, `{key}`, `{stamp}` and `{uuid}` all become the key,
so a repeated push writes the same name again (replacing the file, not adding a second one) and
its confirmation still maps to the endpoint id; without one they are the time and a random
suffix. An ambiguous repeat in `listing` mode first checks whether the destination has already
moved the file to `confirmation_path` or `rejected_path`, and then does not drop it again.
`confirmations(entity)` later reports which files the destination accepted:

* `confirmation_mode: file` (default): files in `confirmation_path` (JSON, JSON Lines or CSV) with
  one entry per pushed file: `file` (or `endpoint_id`), `status` (ok/success/accepted/... or
  anything else = failed) and `message`;
* `confirmation_mode: listing`: a pushed file that appears in `confirmation_path` (the
  destination moved it to "processed") is OK, one in `rejected_path` failed.

`acknowledge_confirmations(entity)` moves the confirmation files read last into
`confirmation_archive_path` when that is set, after the caller has stored the outcomes.

The Connector interface is synchronous: each connector runs asyncssh in a private event loop and
keeps its connection between calls (reconnecting once if it was dropped).
"""

from __future__ import annotations

import asyncio
import csv
import fnmatch
import io
import json
import posixpath
import re
import threading
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar, cast
from urllib.parse import unquote, urlsplit

import asyncssh
from pydantic import BaseModel, ConfigDict, Field, field_validator

from syncline.connectors.base import (
    AuthenticationError,
    ConfigurationError,
    Confirmation,
    Connector,
    ConnectorContext,
    ConnectorError,
    Page,
    PermanentError,
    PushResult,
    SourceRecord,
    TransientError,
    UnreachableError,
    entity_names,
)
from syncline.connectors.http import content_version
from syncline.connectors.network import BlockedAddressError, connect_address
from syncline.connectors.pagination import dig
from syncline.connectors.redact import Redactor, logger
from syncline.connectors.timeutil import later, normalize, parse_cursor, to_iso, zone

log = logger()
T = TypeVar("T")

DEFAULT_ENTITIES = ("orders", "products", "inventory", "customers", "fulfilments")
OK_WORDS = frozenset(
    {"ok", "success", "succeeded", "accepted", "processed", "done", "true", "1", "imported", "yes"}
)
_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")
TEMPLATE_FIELDS = frozenset({"entity", "id", "stamp", "ext", "uuid", "key"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
PARTIAL_SUFFIXES = (".part", ".tmp", ".filepart", ".partial", ".crdownload")


class SftpSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inbound_path: str = Field(default="inbound/{entity}", min_length=1)
    outbound_path: str = Field(default="outbound/{entity}", min_length=1)
    confirmation_path: str = Field(default="confirmations/{entity}", min_length=1)
    confirmation_mode: str = Field(default="file", pattern=r"^(file|listing)$")
    rejected_path: str = Field(default="rejected/{entity}", min_length=1)
    confirmation_archive_path: str | None = None
    file_patterns: list[str] = Field(default_factory=lambda: ["*.csv", "*.json", "*.jsonl"], min_length=1)
    file_format: str = Field(default="json", pattern=r"^(json|csv)$", description="format of pushed files")
    filename_template: str = Field(default="{entity}-{id}-{stamp}.{ext}")
    id_field: str = "id"
    reference_field: str | None = None
    updated_field: str | None = "updated_at"
    csv_delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    host_key: str | None = Field(default=None, description="the server's OpenSSH public key line (pins it)")
    # Upper limits: a push stays within syncline.tables.MAX_PUSH_SECONDS (see max_push_seconds).
    connect_timeout_seconds: float = Field(default=10.0, gt=0, le=20)
    timeout_seconds: float = Field(default=30.0, gt=0, le=60)
    max_file_bytes: int = Field(default=20_000_000, ge=1)
    entities: list[str] | None = None

    @field_validator("filename_template")
    @classmethod
    def _template(cls, value: str) -> str:
        fields = _TEMPLATE_FIELD.findall(value)
        unknown = [f for f in fields if f not in TEMPLATE_FIELDS]
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{unknown[0]}}}; use {', '.join(sorted(TEMPLATE_FIELDS))}"
            )
        if "/" in value:
            raise ValueError("must be a file name, not a path")
        return value

    @field_validator("host_key")
    @classmethod
    def _host_key(cls, value: str | None) -> str | None:
        if value:
            try:
                asyncssh.import_public_key(value)
            except (asyncssh.KeyImportError, ValueError):
                raise ValueError("not an OpenSSH public key line") from None
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str) -> str:
        try:
            "x".encode(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @field_validator("entities")
    @classmethod
    def _entities(cls, value: list[str] | None) -> list[str] | None:
        return entity_names(value)


class SftpConnector(Connector):
    system = "sftp"
    asynchronous = True
    credential_fields = ("username",)
    settings_model = SftpSettings
    url_schemes = ("sftp",)
    entities: ClassVar[Mapping[str, frozenset[str]]] = {
        name: frozenset({"pull", "push"}) for name in DEFAULT_ENTITIES
    }

    def __init__(self, context: ConnectorContext) -> None:
        super().__init__(context)
        self.config = cast(SftpSettings, self.parse_settings(context.settings))
        self.check_base_url(context.base_url, self.config)
        self.check_credentials(self.config, context.credentials)
        self.tz = zone(context.timezone)
        self.redactor = Redactor.for_credentials(context.credentials)
        url = urlsplit(context.base_url or "")
        self.host = url.hostname or ""
        self.port = url.port or 22
        self.root = unquote(url.path).rstrip("/")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._conn: asyncssh.SSHClientConnection | None = None
        self._sftp: asyncssh.SFTPClient | None = None
        self._lock = threading.Lock()
        self._made_dirs: set[str] = set()
        self._confirmation_files: dict[str, list[str]] = {}
        if not self.config.host_key:
            log.warning("sftp %s: no host_key setting; the server's host key is not verified", self.host)

    # -- configuration ------------------------------------------------------------------------

    @classmethod
    def check_credentials(cls, settings: BaseModel, credentials: Mapping[str, Any]) -> None:
        super().check_credentials(settings, credentials)
        if not credentials.get("password") and not credentials.get("private_key"):
            raise ConfigurationError("credentials.password", "password or private_key is required")
        key = credentials.get("private_key")
        if key:
            try:
                asyncssh.import_private_key(str(key), credentials.get("passphrase") or None)
            except (asyncssh.KeyImportError, ValueError):
                raise ConfigurationError(
                    "credentials.private_key", "not a private key this passphrase opens"
                ) from None

    @classmethod
    def describe(cls) -> dict[str, Any]:
        info = super().describe()
        info["credential_fields_one_of"] = ["password", "private_key"]
        info["optional_credential_fields"] = ["passphrase"]
        return info

    def entity_directions(self) -> Mapping[str, frozenset[str]]:
        return self.entities_for(self.config)

    @property
    def max_push_seconds(self) -> float:
        """Connecting and logging in (plus a second of slack), opening the SFTP session, and the
        write (folder, temporary file, rename), each bounded by its timeout."""
        return self.config.connect_timeout_seconds + 1 + 2 * self.config.timeout_seconds

    # -- the event loop and the connection ------------------------------------------------------

    def _run(self, work: Callable[[asyncssh.SFTPClient], Awaitable[T]]) -> T:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                self._loop = asyncio.new_event_loop()
            left = self.time_left()  # of the push's (or check's) time budget, if one is set
            try:
                if left is not None and left <= 0:
                    raise self.out_of_time("an SFTP call")
                call = self._call(work)
                return self._loop.run_until_complete(call if left is None else asyncio.wait_for(call, left))
            except TimeoutError:  # only the time budget's wait_for: _call classifies its own
                raise self.out_of_time("an SFTP call finished") from None
            except ConnectorError as exc:
                raise self.redactor.scrub(exc) from None

    async def _client(self) -> tuple[asyncssh.SFTPClient, bool]:
        """The SFTP client, and whether it is a connection reused from an earlier call."""
        if self._sftp is not None:
            return self._sftp, True
        creds = self.context.credentials
        keys = None
        if creds.get("private_key"):
            keys = [asyncssh.import_private_key(creds["private_key"], creds.get("passphrase") or None)]
        known_hosts: Any = None
        if self.config.host_key:
            known_hosts = ([asyncssh.import_public_key(self.config.host_key)], [], [])
        try:  # internal addresses refused, and the checked address is the one connected to
            address = connect_address(self.host, self.port)
        except BlockedAddressError:
            raise PermanentError(f"sftp: refusing to connect to {self.host}: an internal address") from None
        except OSError as exc:
            raise UnreachableError(
                f"sftp {self.host}:{self.port}: name resolution failed ({type(exc).__name__})"
            ) from None
        try:
            self._conn = await asyncio.wait_for(
                asyncssh.connect(
                    address,
                    self.port,
                    username=creds["username"],
                    password=creds.get("password") or None,
                    client_keys=keys,
                    known_hosts=known_hosts,
                    agent_path=None,
                    config=None,
                    connect_timeout=self.config.connect_timeout_seconds,
                    login_timeout=self.config.connect_timeout_seconds,
                ),
                timeout=self.config.connect_timeout_seconds + 1,
            )
            self._sftp = await asyncio.wait_for(self._conn.start_sftp_client(), self.config.timeout_seconds)
        except BaseException:
            await self._drop()
            raise
        return self._sftp, False

    async def _drop(self) -> None:
        conn, self._conn, self._sftp = self._conn, None, None
        self._made_dirs.clear()
        if conn is not None:
            conn.close()
            try:
                await asyncio.wait_for(conn.wait_closed(), 2)
            except (TimeoutError, OSError, asyncssh.Error):
                pass

    async def _call(self, work: Callable[[asyncssh.SFTPClient], Awaitable[T]]) -> T:
        for attempt in (0, 1):
            connected = False
            try:
                sftp, reused = await self._client()
                connected = True
                return await asyncio.wait_for(work(sftp), self.config.timeout_seconds)
            except ConnectorError:
                raise
            except (
                asyncssh.ConnectionLost,
                asyncssh.ChannelOpenError,
                asyncssh.SFTPConnectionLost,
                asyncssh.SFTPNoConnection,
                BrokenPipeError,
                ConnectionResetError,
            ) as exc:
                await self._drop()
                if attempt == 0 and connected and reused:
                    continue  # a connection kept from an earlier call died (e.g. a frozen Lambda)
                raise self._classify(exc, connected) from None
            except (TimeoutError, OSError, asyncssh.Error) as exc:
                if not isinstance(exc, asyncssh.SFTPError):
                    await self._drop()
                raise self._classify(exc, connected) from None
        raise TransientError("sftp: connection lost twice")  # pragma: no cover

    def _classify(self, exc: BaseException, connected: bool) -> ConnectorError:
        where = f"sftp {self.host}:{self.port}"
        if isinstance(exc, asyncssh.PermissionDenied):
            return AuthenticationError(
                f"{where}: authentication failed (check username and password or private_key)"
            )
        if isinstance(exc, asyncssh.HostKeyNotVerifiable):
            return AuthenticationError(f"{where}: the server's host key does not match settings.host_key")
        if isinstance(exc, asyncssh.SFTPPermissionDenied):
            return AuthenticationError(f"{where}: permission denied: {exc.reason}")
        if isinstance(exc, asyncssh.SFTPNoSuchFile):
            return PermanentError(f"{where}: no such file or folder: {exc.reason}")
        if isinstance(exc, asyncssh.SFTPError):
            return TransientError(f"{where}: SFTP error: {exc.reason}")
        if isinstance(exc, TimeoutError):
            if connected:
                return TransientError(f"{where}: timed out after {self.config.timeout_seconds}s")
            return UnreachableError(f"{where}: timed out connecting")
        if isinstance(exc, asyncssh.DisconnectError):
            return UnreachableError(f"{where}: disconnected: {exc.reason}")
        if isinstance(exc, OSError):
            return UnreachableError(f"{where}: cannot connect ({type(exc).__name__}: {exc.strerror or exc})")
        return TransientError(f"{where}: {type(exc).__name__}: {exc}")

    def close(self) -> None:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                return
            try:
                self._loop.run_until_complete(self._drop())
            finally:
                self._loop.close()
                self._loop = None

    # -- paths --------------------------------------------------------------------------------

    def folder(self, template: str, entity: str) -> str:
        path = template.replace("{entity}", entity)
        if not path.startswith("/") and self.root:
            path = posixpath.join(self.root, path)
        return posixpath.normpath(path)

    async def _files(
        self, sftp: asyncssh.SFTPClient, folder: str, patterns: list[str]
    ) -> list[tuple[int, str, int]]:
        """(mtime, name, size) of the regular files in `folder` matching `patterns`."""
        out: list[tuple[int, str, int]] = []
        async for entry in sftp.scandir(folder):
            name = str(entry.filename)
            if name.startswith(".") or name.endswith(PARTIAL_SUFFIXES):
                continue
            if entry.attrs.type not in (asyncssh.FILEXFER_TYPE_REGULAR, asyncssh.FILEXFER_TYPE_UNKNOWN, None):
                continue
            if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns):
                continue
            out.append((int(entry.attrs.mtime or 0), name, int(entry.attrs.size or 0)))
        out.sort()
        return out

    async def _read(self, sftp: asyncssh.SFTPClient, path: str, size: int) -> str:
        if size > self.config.max_file_bytes:
            raise PermanentError(
                f"sftp: {path} is {size} bytes, over max_file_bytes ({self.config.max_file_bytes})"
            )
        async with sftp.open(path, "rb") as handle:
            data = await handle.read()
        try:
            raw = data if isinstance(data, bytes) else str(data).encode(self.config.encoding)
            return raw.decode(self.config.encoding).lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            raise PermanentError(f"sftp: {path} is not {self.config.encoding} text ({exc.reason})") from None

    def rows(self, name: str, text: str) -> list[Any]:
        """The rows of one file, by extension (.csv, .jsonl/.ndjson, otherwise JSON)."""
        lower = name.lower()
        try:
            if lower.endswith(".csv"):
                return list(csv.DictReader(io.StringIO(text), delimiter=self.config.csv_delimiter))
            if lower.endswith((".jsonl", ".ndjson")):
                return [json.loads(line) for line in text.splitlines() if line.strip()]
            body = json.loads(text) if text.strip() else []
        except (ValueError, csv.Error) as exc:
            raise PermanentError(f"sftp: {name} cannot be read: {exc}") from None
        if isinstance(body, dict):
            for key in ("records", "data", "items"):
                if isinstance(body.get(key), list):
                    return list(body[key])
            return [body]
        return body if isinstance(body, list) else [body]

    # -- pull ---------------------------------------------------------------------------------

    def pull(self, entity: str, since: str | None, page: str | None, page_size: int) -> Page:
        self.require(entity, "pull")
        state = _decode_state(page)
        folder = self.folder(self.config.inbound_path, entity)
        size = max(1, int(page_size))
        return self._run(lambda sftp: self._pull(sftp, folder, since, state, size))

    async def _pull(
        self, sftp: asyncssh.SFTPClient, folder: str, since: str | None, state: dict[str, Any], size: int
    ) -> Page:
        since_dt = parse_cursor(since)
        files = await self._files(sftp, folder, self.config.file_patterns)
        if since_dt is not None:
            floor = int(since_dt.timestamp())
            files = [f for f in files if f[0] >= floor]
        position = tuple(state["f"]) if state.get("f") else None
        if position is not None:
            files = [f for f in files if (f[0], f[1]) >= position]
        watermark: str | None = state.get("w")
        records: list[SourceRecord] = []
        next_state: dict[str, Any] | None = None
        for mtime, name, fsize in files:
            if len(records) >= size:
                next_state = {"f": [mtime, name], "r": 0, "w": watermark}
                break
            offset = int(state.get("r", 0)) if position == (mtime, name) else 0
            rows = self.rows(name, await self._read(sftp, posixpath.join(folder, name), fsize))
            take = rows[offset : offset + size - len(records)]
            file_time = to_iso(datetime.fromtimestamp(mtime, UTC))
            records.extend(self._record(name, offset + i, row, file_time) for i, row in enumerate(take))
            if offset + len(take) < len(rows):
                next_state = {"f": [mtime, name], "r": offset + len(take), "w": watermark}
                break
            watermark = later(watermark, file_time)
        cursor = later(watermark, since if since_dt is not None else None)
        return Page(
            records=records, next_page=_encode_state(next_state) if next_state else None, cursor=cursor
        )

    def _record(self, name: str, index: int, row: Any, file_time: str) -> SourceRecord:
        where = f"{name} record {index + 1}"
        if not isinstance(row, dict):
            raise PermanentError(f"sftp: {where} is not an object")
        cfg = self.config
        source_id = dig(row, cfg.id_field)
        if source_id in (None, ""):
            raise PermanentError(f"sftp: {where} has no {cfg.id_field!r} field")
        reference = dig(row, cfg.reference_field) if cfg.reference_field else None
        version = None
        if cfg.updated_field:
            version = normalize(dig(row, cfg.updated_field), self.tz, self.context.date_format)
        return SourceRecord(
            source_id=str(source_id),
            reference=str(reference) if reference not in (None, "") else str(source_id),
            version=version or f"{file_time}#{content_version(row)[7:23]}",
            data=row,
        )

    # -- push ---------------------------------------------------------------------------------

    def filename(self, entity: str, record: dict[str, Any], key: str | None = None) -> str:
        """The pushed file's name; with an idempotency key the same for every repeat of the push."""
        ident = record.get(self.config.id_field)
        now = datetime.now(UTC)
        stamp = now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond:06d}"
        unique = uuid.uuid4().hex[:12]
        safe_key = _UNSAFE.sub("_", key)[:80] if key else None
        values = {
            "entity": entity,
            "id": _UNSAFE.sub("_", str(ident))[:80] if ident not in (None, "") else "record",
            "stamp": safe_key or stamp,
            "ext": self.config.file_format,
            "uuid": safe_key or unique,
            "key": safe_key or f"{stamp}-{unique}",
        }
        name = _TEMPLATE_FIELD.sub(lambda m: values[m.group(1)], self.config.filename_template)
        return _UNSAFE.sub("_", name).lstrip(".") or f"{entity}-{values['uuid']}"

    def serialize(self, record: dict[str, Any]) -> bytes:
        if self.config.file_format == "csv":
            buffer = io.StringIO()
            flat = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in record.items()}
            writer = csv.DictWriter(buffer, fieldnames=list(flat), delimiter=self.config.csv_delimiter)
            writer.writeheader()
            writer.writerow(flat)
            return buffer.getvalue().encode(self.config.encoding)
        return json.dumps(record, ensure_ascii=False, default=str, indent=1).encode(self.config.encoding)

    def push(
        self,
        entity: str,
        record: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        ambiguous: bool = False,
    ) -> PushResult:
        self.require(entity, "push")
        if not isinstance(record, dict):
            raise self.redactor.scrub(PermanentError(f"sftp: a {entity} record must be a JSON object"))
        try:
            content = self.serialize(record)
        except (TypeError, ValueError, UnicodeEncodeError) as exc:
            raise self.redactor.scrub(
                PermanentError(f"sftp: cannot write the record as {self.config.file_format}: {exc}")
            ) from None
        name = self.filename(entity, record, idempotency_key)
        folder = self.folder(self.config.outbound_path, entity)
        if not (ambiguous and idempotency_key and self._run(lambda sftp: self._taken(sftp, entity, name))):
            self._run(lambda sftp: self._write(sftp, folder, name, content))
        return PushResult(endpoint_id=name, status="Sent")

    async def _taken(self, sftp: asyncssh.SFTPClient, entity: str, name: str) -> bool:
        """Whether the destination already moved the file `name` away (listing mode only)."""
        if self.config.confirmation_mode != "listing":
            return False  # `file` mode: nowhere to look; the same name is written again
        for template in (self.config.confirmation_path, self.config.rejected_path):
            if await sftp.exists(posixpath.join(self.folder(template, entity), name)):
                return True
        return False

    async def _write(self, sftp: asyncssh.SFTPClient, folder: str, name: str, content: bytes) -> None:
        if folder not in self._made_dirs:
            await sftp.makedirs(folder, exist_ok=True)
            self._made_dirs.add(folder)
        final = posixpath.join(folder, name)
        partial = posixpath.join(folder, f".{name}.part")
        async with sftp.open(partial, "wb") as handle:
            await handle.write(content)
        try:
            await sftp.posix_rename(partial, final)  # replaces a file of a repeated push
        except asyncssh.SFTPOpUnsupported:
            if await sftp.exists(final):  # a plain SFTP rename does not replace
                await sftp.remove(final)
            await sftp.rename(partial, final)

    # -- confirmations --------------------------------------------------------------------------

    def confirmations(self, entity: str) -> list[Confirmation]:
        """The destination's verdicts on pushed files: (endpoint_id = file name, ok, message)."""
        self.require(entity, "push")
        return self._run(lambda sftp: self._confirmations(sftp, entity))

    async def _confirmations(self, sftp: asyncssh.SFTPClient, entity: str) -> list[Confirmation]:
        cfg = self.config
        folder = self.folder(cfg.confirmation_path, entity)
        if cfg.confirmation_mode == "listing":
            out = [Confirmation(name, True, None) for _, name, _ in await self._listing(sftp, folder)]
            rejected = self.folder(cfg.rejected_path, entity)
            out += [
                Confirmation(name, False, "rejected by the destination")
                for _, name, _ in await self._listing(sftp, rejected)
            ]
            return out
        files = await self._listing(sftp, folder, ["*.json", "*.jsonl", "*.ndjson", "*.csv"])
        out = []
        for _, name, size in files:
            for entry in self.rows(name, await self._read(sftp, posixpath.join(folder, name), size)):
                confirmation = _confirmation(entry)
                if confirmation is not None:
                    out.append(confirmation)
        self._confirmation_files[entity] = [name for _, name, _ in files]
        return out

    async def _listing(
        self, sftp: asyncssh.SFTPClient, folder: str, patterns: list[str] | None = None
    ) -> list[tuple[int, str, int]]:
        try:
            return await self._files(sftp, folder, patterns or ["*"])
        except asyncssh.SFTPNoSuchFile:
            return []  # nothing confirmed yet

    def acknowledge_confirmations(self, entity: str) -> int:
        """Move the confirmation files read by the last `confirmations(entity)` to the archive folder."""
        names = self._confirmation_files.pop(entity, [])
        archive = self.config.confirmation_archive_path
        if not names or not archive:
            return 0
        source = self.folder(self.config.confirmation_path, entity)
        target = self.folder(archive, entity)

        async def move(sftp: asyncssh.SFTPClient) -> int:
            await sftp.makedirs(target, exist_ok=True)
            for name in names:
                await sftp.rename(posixpath.join(source, name), posixpath.join(target, name))
            return len(names)

        return self._run(move)

    # -- health -------------------------------------------------------------------------------

    def check(self) -> None:
        async def probe(sftp: asyncssh.SFTPClient) -> None:
            await sftp.realpath(".")

        self._run(probe)


def _confirmation(entry: Any) -> Confirmation | None:
    if not isinstance(entry, dict):
        return None
    ident = next((entry[k] for k in ("file", "filename", "endpoint_id", "name", "id") if entry.get(k)), None)
    if ident is None:
        return None
    status = next((entry[k] for k in ("status", "result", "ok", "success") if k in entry), "ok")
    ok = status is True or str(status).strip().lower() in OK_WORDS
    message = next((str(entry[k]) for k in ("message", "error", "reason", "detail") if entry.get(k)), None)
    return Confirmation(posixpath.basename(str(ident)), ok, message)


def _encode_state(state: dict[str, Any]) -> str:
    return json.dumps(state, separators=(",", ":"))


def _decode_state(page: str | None) -> dict[str, Any]:
    if not page:
        return {}
    try:
        state = json.loads(page)
    except ValueError:
        raise PermanentError("sftp: unreadable page state") from None
    return state if isinstance(state, dict) else {}
