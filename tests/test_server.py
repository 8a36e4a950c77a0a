"""Issue 9: the page belongs to the office. Started as scripts/run_app.sh starts it (the repository's
.streamlit/config.toml, no address flags), Streamlit listens on 127.0.0.1 only and makes no outbound
connection (no usage statistics, no external-IP lookup).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
from conftest import ROOT
from test_browser import free_port, wait_healthy

STRACE = shutil.which("strace")


def other_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # UDP connect sends nothing; it only picks the outgoing address
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_run_app_script_listens_on_localhost_unless_told():
    script = (ROOT / "scripts" / "run_app.sh").read_text(encoding="utf-8")
    assert '--server.address "${KSPOLICY_HOST:-127.0.0.1}"' in script
    assert "--browser.gatherUsageStats false" in script
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r'^address = "127\.0\.0\.1"', config, re.M)
    assert re.search(r"^gatherUsageStats = false", config, re.M)
    assert re.search(r'^serverAddress = "localhost"', config, re.M)


def test_the_server_listens_on_localhost_and_calls_nobody(tmp_path):
    port = free_port()
    log = tmp_path / "streamlit.log"
    trace = tmp_path / "connect.trace"
    env = {**os.environ, "KSPOLICY_INDEX": str(tmp_path / "index"), "KSPOLICY_CORPUS": str(tmp_path / "corpus"),
           "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.fileWatcherType", "none"]
    if STRACE:
        cmd = [STRACE, "-f", "-e", "trace=connect", "-o", str(trace), *cmd]
    with log.open("wb") as handle:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # strace and streamlit stop together
    try:
        wait_healthy(port, server, log)
        time.sleep(2)  # the start-up banner (where Streamlit would look up the external IP) is printed
        elsewhere = other_address()
        if elsewhere:
            with pytest.raises(OSError):
                socket.create_connection((elsewhere, port), timeout=2).close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    banner = log.read_text(errors="replace")
    assert f"URL: http://localhost:{port}" in banner
    assert "External URL" not in banner and "Network URL" not in banner and "external IP" not in banner
    if STRACE:
        outbound = [line for line in trace.read_text().splitlines()
                    if "connect(" in line and "AF_INET" in line and "127.0.0.1" not in line]
        assert not outbound, outbound
