"""``gongkai app``: open the Streamlit app on a corpus, ingesting the demo corpus first if asked."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from gongkai import settings
from index.tables import store
from parsing.errors import GongkaiError

APP = Path(__file__).resolve().parents[2] / "app.py"
DEMO_FOLDER = "demo-files"
# The demo corpus: this many fictional agencies, one report a year 2019–2024.
DEMO_AGENCIES = 300


def streamlit_command(port: int, address: str, max_upload_mb: int | None = None) -> list[str]:
    """The ``streamlit run`` command line for ``app.py``."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--server.maxUploadSize", str(settings.get("max_upload_mb", max_upload_mb)),
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
    ]


def ingest_demo(data: Path, n_agencies: int = DEMO_AGENCIES, progress: bool = True) -> None:
    """Generate the demo corpus under ``data/demo-files`` (once) and ingest it with a progress bar."""
    # Imported here: the generator is only needed the first time, and `gongkai --help` stays quick.
    from corpus.demo import ensure_demo_corpus
    from corpus.ingest import ingest

    click.echo(f"Writing the demo corpus into {data / DEMO_FOLDER} (first run only) …", err=True)
    files = ensure_demo_corpus(data / DEMO_FOLDER, n_agencies=n_agencies)
    result = ingest([files], data, progress=progress, workers=int(settings.get("workers")),
                    index=settings.index_settings())
    click.echo(f"Demo corpus: {len(result.new)} reports stored, {len(result.failed)} files failed, "
               f"{result.index.get('passages', 0)} passages indexed ({result.seconds:.0f} s).", err=True)
    if result.index_error:
        click.echo(f"The passage index was not built: {result.index_error}", err=True)


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
    if demo and not store.store_file(data_dir).exists():
        try:
            ingest_demo(data_dir)
        except GongkaiError as exc:
            raise click.ClickException(str(exc)) from exc
    upload_mb = int(settings.get("max_upload_mb", max_upload_mb))
    env = {**os.environ, "GONGKAI_DATA": str(data_dir), settings.setting("max_upload_mb").env: str(upload_mb)}
    command = streamlit_command(port, address, upload_mb)
    click.echo(f"Gongkai on http://{address}:{port} (corpus {data_dir})", err=True)
    # Streamlit reads .streamlit/config.toml from the working directory.
    os.chdir(APP.parent)
    os.execvpe(command[0], command, env)
