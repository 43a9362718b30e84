"""nginx in front of a published site and a Voila explorer, from the block in
docs/deployment.md (not a test module: imported by ``test_deployment``).

The documented server block is used as written, but for what a test cannot have: TLS
(``listen 443 ssl http2`` becomes a plain ``listen`` on 127.0.0.1, the certificate lines
go), the paths (``root``) and the explorer's port.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from browser_support import PROJECT_DIR, free_port

DEPLOYMENT_DOC = PROJECT_DIR / "docs" / "deployment.md"
#: The first line of the documented configuration block.
CONFIG_MARKER = "# /etc/nginx/conf.d/bmoredash.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")


def documented_config() -> str:
    """The nginx block of docs/deployment.md that starts with ``CONFIG_MARKER``."""
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    found = re.search(r"```nginx\n(" + re.escape(CONFIG_MARKER) + r".*?)```", text, re.S)
    assert found, f"no nginx block starting {CONFIG_MARKER!r} in {DEPLOYMENT_DOC}"
    return found.group(1)


def local_config(site: Path, explorer_port: int, port: int, folder: Path) -> str:
    """The documented block made runnable here, inside a whole nginx.conf."""
    block = documented_config()
    replaced = {
        r"listen 443 ssl http2;": f"listen 127.0.0.1:{port};",
        r"root /srv/bmoredash/site;": f"root {site};",
        r"server 127.0.0.1:8866;": f"server 127.0.0.1:{explorer_port};",
    }
    for old, new in replaced.items():
        assert block.count(old) == 1, f"the documented block no longer says {old!r}"
        block = block.replace(old, new)
    block = re.sub(r"^\s*ssl_certificate.*\n", "", block, flags=re.M)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    # As root, nginx's workers would run as nobody, who cannot read the test's private
    # folders; they run as the test's user instead.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""daemon off;
{user}worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log {folder / "access.log"};
{temp}
    uwsgi_temp_path {folder / "uwsgi"};
    scgi_temp_path {folder / "scgi"};
{block}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


class Nginx:
    """nginx on a free port with ``local_config``; stopped on exit."""

    def __init__(self, site: Path, explorer_port: int, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.conf = folder / "nginx.conf"
        self.conf.write_text(local_config(site, explorer_port, self.port, folder))
        binary = nginx_binary()
        assert binary, "nginx is not installed"
        self.process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(self.conf), "-e", str(folder / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Nginx:
        import socket

        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited: {self.process.stderr.read().decode()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""
