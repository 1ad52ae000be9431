"""``gongkai app``: start the Streamlit app on a corpus, say its URL as soon as it answers, and build the
demo corpus meanwhile on first use."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import click

from gongkai import settings
from index.progress import step
from index.tables import store
from parsing.errors import GongkaiError

APP = Path(__file__).resolve().parents[2] / "app.py"
DEMO_FOLDER = "demo-files"
# The demo corpus: this many fictional agencies, one report a year 2019–2024.
DEMO_AGENCIES = 300


# How often the URL is tried while the server starts.
POLL_SECONDS = 0.2


def streamlit_command(port: int, address: str, max_upload_mb: int | None = None) -> list[str]:
    """The ``streamlit run app.py`` command line, through :mod:`gongkai.ui.serve` (which loads
    the model and the indexes as the server starts)."""
    return [
        sys.executable, "-m", "gongkai.ui.serve", "run", str(APP),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--server.maxUploadSize", str(settings.get("max_upload_mb", max_upload_mb)),
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        # Gongkai says its own URL the moment the port answers (Streamlit's welcome would also
        # look the machine's external address up on the network).
        "--logger.hideWelcomeMessage", "true",
    ]


def app_url(address: str, port: int) -> str:
    """The address a browser on this machine opens."""
    host = "localhost" if address in ("0.0.0.0", "::", "") else address
    return f"http://{host}:{port}"


def wait_until_listening(url: str, server: subprocess.Popen[bytes], timeout: float = 300) -> bool:
    """True once ``url`` answers Streamlit's health check; False if the server ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return True
        except OSError:
            time.sleep(POLL_SECONDS)
    return False


def _announce(url: str, server: subprocess.Popen[bytes], data: Path, building: bool) -> None:
    if not wait_until_listening(url, server):
        return
    step(f"Gongkai is open at {url}  (corpus {data}; Ctrl-C stops it)")
    if building:
        step("  The demo corpus shows there (by itself) when the steps below are done.")


def ingest_demo(data: Path, n_agencies: int = DEMO_AGENCIES, progress: bool = True) -> None:
    """Generate the demo corpus under ``data/demo-files`` (once) and ingest it with a progress bar."""
    # Imported here: the generator is only needed the first time, and `gongkai --help` stays quick.
    from corpus.demo import ensure_demo_corpus
    from corpus.ingest import ingest

    step(f"Writing the demo corpus ({n_agencies:,} agencies) into {data / DEMO_FOLDER} "
         "(first run only) …", progress)
    files = ensure_demo_corpus(data / DEMO_FOLDER, n_agencies=n_agencies)
    result = ingest([files], data, progress=progress, workers=int(settings.get("workers")),
                    index=settings.index_settings())
    step(f"Demo corpus ready: {len(result.new):,} reports stored, {len(result.failed)} files failed, "
         f"{result.index.get('passages', 0):,} passages indexed ({result.seconds:.0f} s).", progress)
    if result.index_error:
        step(f"The passage index was not built: {result.index_error}")


@click.command()
@settings.options("data", "max_upload_mb")
@click.option("--port", type=int, default=8501, show_default=True, help="Port the app listens on.")
@click.option("--address", default="localhost", show_default=True, help="Address the app listens on.")
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="When DATA holds no corpus yet, generate and ingest the demo corpus first.")
def app(data: str | None, max_upload_mb: int | None, port: int, address: str, demo: bool) -> None:
    """Open the Streamlit app (chat, reports, data quality, upload) on the corpus in DATA."""
    data_dir = settings.data_dir(data).resolve()
    if not APP.exists():
        raise click.ClickException(f"{APP} is missing: run `gongkai app` from a checkout of Gongkai.")
    building = demo and not store.store_file(data_dir).exists()
    upload_mb = int(settings.get("max_upload_mb", max_upload_mb))
    env = {**os.environ, "GONGKAI_DATA": str(data_dir), settings.setting("max_upload_mb").env: str(upload_mb)}
    url = app_url(address, port)
    step(f"Starting the app on {url} …")
    from gongkai.ui.preparing import preparing

    with ExitStack() as marked:
        if building:  # the app says "being prepared" (not "no corpus") until the block below is done
            marked.enter_context(preparing(data_dir))
        # The server starts first, so its address is known at once; the demo corpus (first run)
        # is built meanwhile.  Streamlit reads .streamlit/config.toml from the working directory.
        server = subprocess.Popen(streamlit_command(port, address, upload_mb), env=env, cwd=APP.parent)
        # Stopped (kill, a service manager) rather than interrupted: stop the server too, via `finally`.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
        threading.Thread(target=_announce, args=(url, server, data_dir, building), daemon=True).start()
        try:
            if building:
                ingest_demo(data_dir)
                marked.close()
            status = server.wait()
        except GongkaiError as exc:
            raise click.ClickException(str(exc)) from exc
        except KeyboardInterrupt:  # Ctrl-C reached the server too: let it stop
            status = 0
        finally:
            _stop(server)
    if status:
        raise click.exceptions.Exit(status)


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
