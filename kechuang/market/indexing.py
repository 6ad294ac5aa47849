"""The matching index's life in the platform: build from the database, persist, load, keep current.

1. **Build** — ``build_index()`` turns every published achievement, every enterprise (its published demands and
   business scope) and, when the directory has them, experts, platforms and instruments into engine
   ``Document``s, builds a ``MatchIndex`` and saves it under ``settings.KECHUANG_INDEX_DIR/matching`` as a new
   version directory, then swaps the ``current`` symlink atomically. It runs as the recorded job
   ``market.index.build`` so its progress and result are visible in the job table. The job is single-flight
   (``core.jobs``): a rebuild asked for while one runs is coalesced into exactly one more run after it. And a
   build installs its version only if no build that read newer data has been installed meanwhile: each version
   records its *snapshot* (the time its reading started), compared with the current one's under a file lock
   at swap time — the build that finishes last is not the one that wins if it read older data.
2. **Load** — ``get_index()`` loads ``current`` memory-mapped once per process (so gunicorn workers share the
   pages) and reloads when the symlink points at a new version; checking is one ``readlink``.
3. **Keep current** — services call ``schedule_refresh(obj)``; on commit the record is upserted into (or removed
   from) this process's index at once, and a rebuild job is queued (at most one waiting) so every other process
   picks the change up at its next ``readlink``. A rebuild of the demo corpus (~1,100 documents) takes about a
   second, so a full rebuild is simpler and safer than shipping deltas between processes.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from django.apps import apps
from django.conf import settings
from django.db import transaction

from kechuang.core import jobs
from kechuang.matching import Document, MatchError, MatchIndex

log = logging.getLogger(__name__)
JOB_KIND = "market.index.build"
KEEP_VERSIONS = 3
SNAPSHOT_FILE = "snapshot.txt"  # beside the engine's files in a version directory; the engine ignores it

_lock = threading.Lock()
_state: dict[str, Any] = {"index": None, "version": None, "dir": None}


def index_dir() -> Path:
    return Path(settings.KECHUANG_INDEX_DIR) / "matching"


# --------------------------------------------------------------------------- documents
def doc_id(kind: str, pk: Any) -> str:
    return f"{kind}:{pk}"


def split_doc_id(value: str) -> tuple[str, str]:
    kind, _, pk = value.partition(":")
    return kind, pk


def achievement_document(a: Any) -> Document:
    tags: dict[str, tuple[str, ...]] = {"mode": tuple(a.transfer_modes or ())}
    if a.industry:
        tags["industry"] = (a.industry,)
    chains = tuple(c.code for c in a.industry_chains.all())
    if chains:
        tags["chain"] = chains
    if a.maturity:
        tags["maturity"] = (str(a.maturity),)
    if a.owner is not None and a.owner.region_code:  # 科技文献 have no owner
        tags["region"] = (a.owner.region_code,)
    return Document(id=doc_id("achievement", a.pk), title=a.title, abstract=a.abstract or "",
                    keywords=tuple(a.keywords or ()), discipline=a.discipline or "", kind="achievement",
                    tags={k: v for k, v in tags.items() if v})


def enterprise_document(org: Any, demands: list[Any]) -> Document | None:
    """An enterprise is described by what it asks for (published demands) and what it does (business scope)."""
    text = " ".join(f"{d.title}。{d.description}" for d in demands)
    abstract = f"{org.business_scope or ''} {text}".strip()
    if not abstract:
        return None
    keywords = tuple(dict.fromkeys(k for d in demands for k in (d.keywords or ())))
    industries = tuple(dict.fromkeys(d.industry for d in demands if d.industry))
    chains = tuple(dict.fromkeys(c.code for d in demands for c in d.industry_chains.all()))
    tags: dict[str, tuple[str, ...]] = {"region": (org.region_code,)} if org.region_code else {}
    if industries:
        tags["industry"] = industries
    if chains:
        tags["chain"] = chains
    title = "；".join(d.title for d in demands[:3]) or org.name
    return Document(id=doc_id("enterprise", org.pk), title=title, abstract=abstract, keywords=keywords,
                    kind="enterprise", tags=tags)


def _text(obj: Any, *names: str) -> str:
    parts = []
    for n in names:
        v = getattr(obj, n, None)
        if isinstance(v, list | tuple):
            v = " ".join(str(x) for x in v)
        if v:
            parts.append(str(v))
    return " ".join(parts)


def directory_documents() -> Iterator[Document]:
    """Experts, platforms and instruments that the directory shows publicly (``public_q``)."""
    from kechuang.directory.models import Instrument, Person, Platform

    for p in Person.objects.filter(Person.public_q()).select_related("organisation").iterator(chunk_size=2000):
        fields = tuple(p.field_list)
        title = f"{p.name} {p.title} {'、'.join(fields)}".strip()
        yield Document(id=doc_id("expert", p.pk), title=title, keywords=fields, kind="expert",
                       abstract=_text(p, "talent_programme", "bio") + " " + (p.organisation.name if p.organisation else ""),
                       tags={"region": (p.region_code,)} if p.region_code else {})
    for pf in (Platform.objects.filter(Platform.public_q()).select_related("organisation")
               .prefetch_related("industry_chains").iterator(chunk_size=2000)):
        chains = tuple(c.code for c in pf.industry_chains.all())
        yield Document(id=doc_id("platform", pf.pk), title=f"{pf.name} {pf.fields}".strip(),
                       abstract=f"{pf.get_kind_display()} {pf.description} {pf.organisation.name}", kind="platform",
                       tags={"chain": chains} if chains else {})
    for i in Instrument.objects.filter(Instrument.public_q()).select_related("organisation").iterator(chunk_size=2000):
        yield Document(id=doc_id("instrument", i.pk), title=f"{i.name} {i.model_number}".strip(),
                       abstract=_text(i, "category", "manufacturer", "sharing_terms") + " " + i.organisation.name,
                       kind="instrument")


def documents() -> Iterator[Document]:
    from kechuang.market.choices import Status
    from kechuang.market.models import Achievement, Demand

    for a in (Achievement.objects.filter(status=Status.PUBLISHED).select_related("owner")
                  .prefetch_related("industry_chains").iterator(chunk_size=2000)):
        yield achievement_document(a)
    by_org: dict[int, list[Any]] = {}
    for d in Demand.objects.filter(status=Status.PUBLISHED).prefetch_related("industry_chains").order_by("-published_at"):
        by_org.setdefault(d.organisation_id, []).append(d)
    Organisation = apps.get_model("directory", "Organisation")
    enterprises = Organisation.objects.filter(kind="enterprise", status="approved")
    for org in enterprises.iterator(chunk_size=2000):
        doc = enterprise_document(org, by_org.get(org.pk, []))
        if doc is not None:
            yield doc
    yield from directory_documents()


# --------------------------------------------------------------------------- build
def build_index(progress: Any = None) -> dict[str, Any]:
    """Build from the database and swap it in. ``progress(fraction, message)`` as core.jobs passes it."""
    report = progress or (lambda fraction, message="": None)
    started = time.perf_counter()
    # Taken before the first read: everything committed before it is in what this build reads.
    snapshot = time.time_ns()
    report(0.0, "读取数据库")
    docs = list(documents())
    counts: dict[str, int] = {}
    for d in docs:
        counts[d.kind] = counts.get(d.kind, 0) + 1
    if not docs:
        return {"documents": 0, "message": "没有已发布的记录，未建立索引"}
    stages = {"analyse": "分词", "done": "完成"}

    def engine_progress(stage: str, fraction: float) -> None:
        # The engine reports its own stages; the job shows them within 10%-90%.
        report(0.1 + 0.8 * fraction, f"构建索引：{stages.get(stage, stage)}")

    index = MatchIndex.build(docs, progress=engine_progress)
    report(0.9, "写入磁盘")
    version_dir = install(index, snapshot)
    seconds = round(time.perf_counter() - started, 2)
    if version_dir is None:
        log.info("match index build discarded: a build of newer data was installed meanwhile")
        return {"documents": len(docs), "by_kind": counts, "discarded": True, "seconds": seconds,
                "message": "已有读取了更新数据的索引版本，本次构建结果未启用"}
    _prune(index_dir())
    log.info("match index %s: %s documents in %ss", version_dir.name, len(docs), seconds)
    return {"documents": len(docs), "by_kind": counts, "version": version_dir.name, "seconds": seconds}


@contextmanager
def _install_lock(directory: Path) -> Iterator[None]:
    """Exclusive across processes and threads (each call opens its own file description)."""
    with open(directory / ".install.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def snapshot_of(version_dir: Path) -> int:
    try:
        return int((version_dir / SNAPSHOT_FILE).read_text().strip())
    except (OSError, ValueError):
        return 0  # a version written before snapshots were recorded: older than any new build


def install(index: MatchIndex, snapshot: int) -> Path | None:
    """Save ``index`` as a new version and make it ``current`` unless the current one read newer data.

    Returns the version directory, or None when the build was discarded. The engine's ``save`` writes into a
    private staging directory (it swaps a ``current`` link there, which nobody reads); the check and the swap
    of the real ``current`` happen together under the install lock.
    """
    directory = index_dir()
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    try:
        built = index.save(staging)
        (built / SNAPSHOT_FILE).write_text(str(snapshot))
        with _install_lock(directory):
            if (directory / "current").exists() and snapshot_of(directory / "current") > snapshot:
                return None
            final = directory / built.name
            os.replace(built, final)
            link_tmp = directory / f".current-{built.name}"
            os.symlink(built.name, link_tmp)
            os.replace(link_tmp, directory / "current")  # atomic on POSIX
            return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _prune(directory: Path) -> None:
    """Keep the newest versions; processes still mapping an older one keep reading it (the inode lives on)."""
    try:
        current = os.readlink(directory / "current")
    except OSError:
        return
    versions = sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")
                      and not p.is_symlink())
    for old in versions[:-KEEP_VERSIONS]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


def _job(job: Any, progress: Any) -> dict[str, Any]:
    result = build_index(progress)
    reset()  # this process reads the new version at once
    return result


jobs.register(JOB_KIND, _job, single_flight=True)


def build_index_command(out: TextIO) -> int:
    """``kechuang index build``: run the build job now and print its result."""
    job = jobs.run_now(JOB_KIND)
    if job.status != job.Status.DONE:
        out.write(f"索引构建失败（任务 #{job.pk}）：{job.error.splitlines()[0] if job.error else ''}\n")
        return 1
    r = job.result
    if r.get("discarded"):
        out.write(f"{r['message']}\n")
        return 0
    if not r.get("documents"):
        out.write(f"{r.get('message', '没有可索引的记录')}\n")
        return 0
    names = {"achievement": "成果与文献", "demand": "需求", "enterprise": "机构", "expert": "专家",
             "platform": "平台", "instrument": "仪器"}
    kinds = "，".join(f"{names.get(k, k)} {v}" for k, v in sorted(r.get("by_kind", {}).items()))
    out.write(f"索引已构建：{r['documents']} 条记录（{kinds}），版本 {r['version']}，用时 {r['seconds']} 秒\n")
    return 0


# --------------------------------------------------------------------------- load
def _current_version(directory: Path) -> str | None:
    try:
        return os.readlink(directory / "current")
    except OSError:
        return None


def get_index() -> MatchIndex | None:
    """This process's index, reloaded when ``current`` moved; None when no index has been built yet."""
    directory = index_dir()
    version = _current_version(directory)
    if version is None:
        return None
    with _lock:
        if _state["index"] is None or _state["version"] != version or _state["dir"] != directory:
            try:
                _state["index"] = MatchIndex.load(directory)
            except (MatchError, OSError):
                log.exception("could not load match index from %s", directory)
                return _state["index"]
            _state["version"] = version
            _state["dir"] = directory
        return _state["index"]


def reset() -> None:
    with _lock:
        _state.update(index=None, version=None, dir=None)


# --------------------------------------------------------------------------- keep current
def schedule_refresh(obj: Any) -> None:
    """After commit: reflect ``obj`` in this process's index now, and queue a rebuild for the others."""
    transaction.on_commit(lambda: _refresh(obj))


def _refresh(obj: Any) -> None:
    from kechuang.market.models import Achievement, Demand

    index = _state["index"]
    try:
        if index is not None and isinstance(obj, Achievement):
            if obj.is_published:
                index.upsert(achievement_document(obj))
            else:
                index.remove(doc_id("achievement", obj.pk))
        elif index is not None and isinstance(obj, Demand):
            demands = list(Demand.objects.filter(organisation=obj.organisation, status="published")
                           .prefetch_related("industry_chains"))
            doc = enterprise_document(obj.organisation, demands)
            if doc is not None:
                index.upsert(doc)
    except MatchError:
        log.exception("index refresh of %s failed", obj)
    if getattr(settings, "KECHUANG_INDEX_AUTO_REBUILD", True):
        queue_rebuild()


def queue_rebuild() -> None:
    # Single-flight: a request while a rebuild waits joins it (the waiting one reads the database when it
    # starts, so it includes this change); one while a rebuild runs waits and starts when that one ends.
    jobs.enqueue(JOB_KIND, background=True)


_suppressed = threading.local()


@contextmanager
def rebuild_suppressed() -> Iterator[None]:
    """For bulk loads that build the index themselves at the end (the demo)."""
    _suppressed.on = True
    try:
        yield
    finally:
        _suppressed.on = False


def rebuild_now() -> None:
    """Rebuild synchronously (after an import); failures are recorded on the job, never raised at the caller."""
    if getattr(_suppressed, "on", False):
        return
    jobs.run_now(JOB_KIND)
