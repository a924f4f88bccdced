"""What the server benchmarks share: gunicorn on a free local port, a small HTTP client, the pages to ask for.

The server is the production one (``gunicorn 'tracker:create_app()'``, as the README deploys it) with sync workers,
bound to 127.0.0.1 only, started in its own process group and always stopped (``Server`` is a context manager
and also stops on SIGINT/SIGTERM). The client is the standard library's ``http.client``: a new connection per
request (gunicorn's sync workers close each one), so every row pays the same connection cost as ``/healthz``.
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "benchmark-secret-key-not-for-production-0123456789"  # noqa: S105  (a throwaway local server)
#: Production refuses to serve without it (links in e-mails); the benchmarks send none.
PUBLIC_BASE_URL = "http://127.0.0.1"
PER_PAGE = 25  # the portal's and the API's default page size
TIMEOUT = 60.0  # seconds a benchmark client waits for one answer


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_config(url: str, folder: str) -> dict:
    """The settings the server runs with (production mode), as a config dict for ``create_app``."""
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "ENV": "production", "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "CACHE_FOLDER": str(Path(folder) / "report-cache"), "UPLOAD_FOLDER": str(Path(folder) / "uploads")}


class Server:
    """``gunicorn --workers N --bind 127.0.0.1:PORT 'tracker:create_app()'`` against ``url``."""

    def __init__(self, url: str, workers: int = 2, timeout: int = 30):
        self.url, self.workers, self.timeout = url, workers, timeout
        self.folder = tempfile.mkdtemp(prefix="vidnova-bench-server-")
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = Path(self.folder) / "gunicorn.log"

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def __enter__(self) -> Server:
        environment = {**os.environ, "TRACKER_ENV": "production", "TRACKER_DATABASE_URL": self.url,
                       "TRACKER_SECRET_KEY": SECRET_KEY, "TRACKER_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                       "TRACKER_CACHE_FOLDER": str(Path(self.folder) / "report-cache"),
                       "TRACKER_UPLOAD_FOLDER": str(Path(self.folder) / "uploads")}
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--worker-class", "sync",
                   "--bind", f"127.0.0.1:{self.port}", "--timeout", str(self.timeout), "--log-level", "warning",
                   "--error-logfile", str(self.log), "tracker:create_app()"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True,  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._previous = {sig: signal.signal(sig, self._interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _interrupted(self, signum, _frame) -> None:
        self.stop()
        raise SystemExit(f"interrupted (signal {signum}); the server was stopped")

    def _wait_healthy(self, seconds: float = 90.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _seconds, _headers, _size = get(self.address, "/healthz", timeout=2)
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise SystemExit(f"/healthz did not answer 200 within {seconds:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def worker_rss(self) -> dict[int, int]:
        """Resident memory of each worker, in KiB."""
        found = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        found[pid] = int(line.split()[1])
            except OSError:
                continue
        return found

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # gunicorn stops its workers gracefully
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the group this Server started, nothing else
                process.wait(timeout=10)
        for sig, handler in getattr(self, "_previous", {}).items():
            signal.signal(sig, handler)


def get(address: tuple[str, int], path: str, headers: dict | None = None,
        timeout: float = TIMEOUT) -> tuple[int, float, dict, int]:
    """GET ``path`` on a new connection: status, seconds until the whole body was read, headers, body bytes."""
    connection = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        size = len(response.read())
        elapsed = time.perf_counter() - started
        return response.status, elapsed, {k.lower(): v for k, v in response.getheaders()}, size
    finally:
        connection.close()


def timed(address: tuple[str, int], path: str, count: int) -> list[float]:
    """``count`` GETs of ``path``, each in milliseconds; anything but a 200 stops the benchmark."""
    samples = []
    for _ in range(count):
        status, seconds, _headers, _size = get(address, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        samples.append(seconds * 1000)
    return samples


def machine() -> str:
    """CPUs and load average, printed with every run: figures from a busy machine say so."""
    one, five, _fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} (1 min) {five:.2f} (5 min)"


def percentile(samples: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks (``statistics.quantiles``' inclusive method)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples: list[float]) -> dict:
    return {"n": len(samples), "p50": percentile(samples, 0.50), "p95": percentile(samples, 0.95),
            "p99": percentile(samples, 0.99), "mean": statistics.fmean(samples) if samples else float("nan")}


# --- what to ask for -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Targets:
    """Ids and references the pages name, read from the generated database."""

    public_projects: int
    oblast_id: int
    oblast_name: str
    oblast_projects: int
    hromada_id: int
    hromada_name: str
    hromada_projects: int
    #: The authority whose subtree holds the public project count nearest 1,000 (the report target's size).
    thousand_id: int
    thousand_name: str
    thousand_projects: int
    reference: str
    references: tuple[str, ...]
    authority_ids: tuple[int, ...]
    search: str

    @property
    def last_page(self) -> int:
        return max(1, -(-self.public_projects // PER_PAGE))

    @property
    def deep_page(self) -> int:
        return min(400, self.last_page)


def read_targets(url: str, search: str = "ремонт") -> Targets:
    """The busiest oblast and hromada (public projects in their subtree), a project with much on its page."""
    from tracker.core.db import make_engine
    from tracker.core.models import Authority
    from tracker.planning.document_models import Document
    from tracker.planning.models import Contract, ContractVariation
    from tracker.projects.models import Project

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            public = session.execute(select(func.count()).select_from(Project).where(Project.is_public.is_(True)))
            public_projects = public.scalar()
            rows = session.execute(select(Authority.path).join(Project, Project.authority_id == Authority.id)
                                   .where(Project.is_public.is_(True))).scalars().all()
            per_unit: dict[int, int] = {}
            for path in rows:
                for part in path.strip("/").split("/")[1:]:
                    per_unit[int(part)] = per_unit.get(int(part), 0) + 1
            units = {a.id: a for a in session.execute(select(Authority).where(Authority.id.in_(list(per_unit))))
                     .scalars()}
            oblast = max((a for a in units.values() if a.level == "oblast"), key=lambda a: (per_unit[a.id], -a.id))
            hromada = max((a for a in units.values() if a.level == "hromada"), key=lambda a: (per_unit[a.id], -a.id))
            thousand = min(units.values(), key=lambda a: (abs(per_unit[a.id] - 1000), a.id))
            variations = select(ContractVariation.project_id)
            contracts = (select(Contract.project_id).group_by(Contract.project_id)
                         .having(func.count() >= 2))
            documents = (select(Document.project_id).where(Document.is_public.is_(True))
                         .group_by(Document.project_id).having(func.count() >= 3))
            rich = session.execute(
                select(Project.reference).where(Project.is_public.is_(True), Project.stage == "implementation",
                                                Project.state == "active", Project.id.in_(variations),
                                                Project.id.in_(contracts), Project.id.in_(documents))
                .order_by(Project.id).limit(1)).scalar()
            sample = session.execute(select(Project.reference).where(Project.is_public.is_(True))
                                     .order_by(Project.id)).scalars().all()
            step = max(1, len(sample) // 200)
            busiest = sorted(units.values(), key=lambda a: -per_unit[a.id])
            authority_ids = tuple(a.id for a in busiest if a.level in ("oblast", "raion", "hromada"))[:100]
    finally:
        engine.dispose()
    return Targets(public_projects=public_projects, oblast_id=oblast.id, oblast_name=oblast.name_uk,
                   oblast_projects=per_unit[oblast.id], hromada_id=hromada.id, hromada_name=hromada.name_uk,
                   hromada_projects=per_unit[hromada.id], thousand_id=thousand.id, thousand_name=thousand.name_uk,
                   thousand_projects=per_unit[thousand.id], reference=rich or sample[0],
                   references=tuple(sample[::step][:200]), authority_ids=authority_ids, search=search)


def standard_pages(t: Targets) -> list[tuple[str, str]]:
    """(name, path) of every page the portal benchmark measures, ``/healthz`` first."""
    pages = [
        ("/healthz", "/healthz"),
        ("home /", "/"),
        ("list, page 1", "/projects"),
        ("list, deep page", f"/projects?page={t.deep_page}"),
        ("list, last page", f"/projects?page={t.last_page}"),
    ]
    pages += [
        ("list, sector=education", "/projects?sector=education"),
        ("list, stage=implementation", "/projects?stage=implementation"),
        ("list, source=eu", "/projects?source=eu"),
        ("list, compliance=failing", "/projects?compliance=failing"),
        ("list, compliance=passing", "/projects?compliance=passing"),
        ("list, compliance=unchecked", "/projects?compliance=unchecked"),
        ("list, authority=oblast", f"/projects?authority={t.oblast_id}"),
        (f"list, search q={t.search}", "/projects?q=" + _quote(t.search)),
        ("project page", f"/projects/{t.reference}"),
        ("authority page (oblast)", f"/authorities/{t.oblast_id}"),
        ("API projects, page 1", "/api/v1/projects"),
        ("API projects, deep page", f"/api/v1/projects?page={t.deep_page}"),
        ("API figures", "/api/v1/figures"),
        ("OC4IDS authority (hromada)", f"/open-data/oc4ids/authorities/{t.hromada_id}.json"),
        ("report HTML, authority (oblast)", f"/reports/authorities/{t.oblast_id}.html"),
        ("report HTML, authority (~1,000)", f"/reports/authorities/{t.thousand_id}.html"),
        ("report HTML, project", f"/reports/projects/{t.reference}.html"),
    ]
    return pages


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def describe_targets(t: Targets, url: str) -> str:
    return (f"database {make_url(url).render_as_string()}: {t.public_projects:,} public projects "
            f"(deep page {t.deep_page}, last page {t.last_page}); "
            f"oblast {t.oblast_name} (id {t.oblast_id}, {t.oblast_projects:,} public projects); "
            f"hromada {t.hromada_name} (id {t.hromada_id}, {t.hromada_projects:,}); "
            f"report of ~1,000: {t.thousand_name} (id {t.thousand_id}, {t.thousand_projects:,}); "
            f"project {t.reference}")
