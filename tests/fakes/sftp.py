"""A real SFTP server (asyncssh) on 127.0.0.1, serving a temporary folder.

It runs in its own thread and event loop with a generated ed25519 host key, accepts one user by
password and/or public key, records the SFTP operations it serves, and can deny writes or play a
server without the `posix-rename` extension (whose plain rename refuses to replace a file).
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from pathlib import Path
from typing import Any, Self

import asyncssh


class FakeSftpServer:
    system = "sftp"

    def __init__(
        self,
        root: Path,
        *,
        username: str = "syncline",
        password: str | None = "sftp_pw_6a1f90e2",
        client_key: asyncssh.SSHKey | None = None,
    ) -> None:
        self.root = root
        self.username = username
        self.password = password
        self.client_key = client_key
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self.requests: list[tuple[str, str]] = []
        self.logins: list[tuple[str, str, bool]] = []  # (user, method, ok)
        self.deny_writes = False
        self.supports_posix_rename = True
        self._expectations: list[tuple[str, re.Pattern[str]]] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self.port = 0
        self._connections: list[asyncssh.SSHServerConnection] = []

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        self.root.mkdir(parents=True, exist_ok=True)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-sftp", daemon=True)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        self._acceptor = future.result(timeout=10)
        self.port = self._acceptor.get_port()
        return self

    async def _listen(self) -> asyncssh.SSHAcceptor:
        fake = self

        class Server(asyncssh.SSHServer):
            def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
                fake._connections.append(conn)

            def begin_auth(self, username: str) -> bool:
                return True

            def password_auth_supported(self) -> bool:
                return fake.password is not None

            def validate_password(self, username: str, password: str) -> bool:
                ok = username == fake.username and password == fake.password
                fake.logins.append((username, "password", ok))
                return ok

            def public_key_auth_supported(self) -> bool:
                return fake.client_key is not None

            def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
                assert fake.client_key is not None
                ok = username == fake.username and key.public_data == fake.client_key.public_data
                fake.logins.append((username, "publickey", ok))
                return ok

        class Sftp(asyncssh.SFTPServer):
            def __init__(self, chan: asyncssh.SSHServerChannel) -> None:
                super().__init__(chan, chroot=str(fake.root).encode())

            def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> Any:
                writing = bool(pflags & (asyncssh.FXF_WRITE | asyncssh.FXF_CREAT))
                fake.record("write" if writing else "read", path)
                if writing and fake.deny_writes:
                    raise asyncssh.SFTPPermissionDenied("Permission denied")
                return super().open(path, pflags, attrs)

            def scandir(self, path: bytes) -> Any:
                fake.record("list", path)
                return super().scandir(path)

            def posix_rename(self, oldpath: bytes, newpath: bytes) -> Any:
                if not fake.supports_posix_rename:
                    raise asyncssh.SFTPOpUnsupported("posix-rename not supported")
                fake.record("rename", newpath)
                return super().posix_rename(oldpath, newpath)

            def rename(self, oldpath: bytes, newpath: bytes) -> Any:
                fake.record("rename", newpath)
                return super().rename(oldpath, newpath)

            def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> Any:
                fake.record("mkdir", path)
                if fake.deny_writes:
                    raise asyncssh.SFTPPermissionDenied("Permission denied")
                return super().mkdir(path, attrs)

        return await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[self.host_key],
            server_factory=Server,
            sftp_factory=Sftp,
            allow_scp=False,
        )

    def stop(self) -> None:
        if self._loop is None:
            return
        loop, acceptor = self._loop, self._acceptor
        fake_connections = list(self._connections)

        async def shutdown() -> None:
            if acceptor is not None:
                acceptor.close()
            # Sessions of clients that never closed: end them so nothing outlives the loop.
            for conn in fake_connections:
                conn.close()
            for conn in fake_connections:
                try:
                    await asyncio.wait_for(conn.wait_closed(), 1)
                except (TimeoutError, OSError, asyncssh.Error):
                    pass
            # Since Python 3.12 a server's wait_closed waits for its connections: after them.
            if acceptor is not None:
                await acceptor.wait_closed()
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=5)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=5)
            loop.close()
            self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addressing ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"sftp://127.0.0.1:{self.port}"

    @property
    def host_key_line(self) -> str:
        return self.host_key.export_public_key().decode().strip()

    def credentials(self) -> dict[str, str]:
        creds = {"username": self.username}
        if self.password is not None:
            creds["password"] = self.password
        return creds

    # -- files --------------------------------------------------------------------------------

    def path(self, relative: str) -> Path:
        return self.root / relative.lstrip("/")

    def write(self, relative: str, content: str | bytes, mtime: float | None = None) -> Path:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
        if mtime is not None:
            os.utime(target, (mtime, mtime))
        return target

    # -- recording ----------------------------------------------------------------------------

    def record(self, op: str, path: bytes) -> None:
        with self._lock:
            self.requests.append((op, path.decode(errors="replace")))

    def calls(self, op: str | None = None, path: str | None = None) -> list[tuple[str, str]]:
        pattern = re.compile(path) if path else None
        with self._lock:
            return [
                (o, p)
                for o, p in self.requests
                if (op is None or o == op) and (pattern is None or pattern.search(p))
            ]

    def expect(self, op: str, path: str) -> None:
        self._expectations.append((op, re.compile(path)))

    def unmet(self) -> list[str]:
        return [
            f"{op} {pattern.pattern}"
            for op, pattern in self._expectations
            if not self.calls(op, pattern.pattern)
        ]

    def assert_expectations(self) -> None:
        missing = self.unmet()
        assert not missing, f"sftp fake never served: {missing}"
