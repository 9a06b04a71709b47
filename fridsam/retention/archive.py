"""Archive delivery (ADR 0031): one package per culling run, written before any row is deleted.

A package is a directory holding, per kind, ``<kind>.json`` (the items and the rows that go with
them, in Django's serialisation, which :func:`restore` loads back) and ``<kind>.csv`` (the items'
own columns, for anyone without Fridsam), and ``manifest.json``: the municipality, the month, who
signed, the rule applied to each kind and each file's SHA-256 and row count. Files are fsynced and
the manifest is written last: a package without a manifest is incomplete.

A kind's two files are written under a temporary name and renamed into place, the JSON last, so a
kind's JSON in a package is always whole. A culling stopped midway (its process killed) finds them
there when it is taken up again (:func:`written`) and deletes only what they hold: the package is
written once, before the first row of the kind goes, and never again (ADR 0043).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import transaction

BATCH = 1000


def package_dir(run) -> Path:
    who = run.municipality.code if run.municipality_id else "installation"
    return Path(settings.FRIDSAM_ARCHIVE_DIR) / f"{who}-{run.month:%Y-%m}-run{run.pk}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _paths(directory: Path, spec) -> tuple[Path, Path]:
    return directory / f"{spec.kind}.json", directory / f"{spec.kind}.csv"


def _part(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def write_kind(directory: Path, spec, ids: list[int]) -> dict:
    """Write one kind's JSON and CSV; return their manifest entries."""
    directory.mkdir(parents=True, exist_ok=True)
    model = spec.model
    json_path, csv_path = _paths(directory, spec)
    columns = [f.attname for f in model._meta.concrete_fields]
    rows = 0
    with (
        open(_part(json_path), "w", encoding="utf-8") as js,
        open(_part(csv_path), "w", encoding="utf-8", newline="") as cs,
    ):
        writer = csv.writer(cs)
        writer.writerow(columns)
        js.write("[")
        first = True
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            objects = list(model.system_objects.filter(pk__in=batch).order_by("pk"))
            for obj in objects:
                writer.writerow([getattr(obj, c) for c in columns])
            related = [
                row
                for dependant, fk in spec.dependants
                for row in dependant.system_objects.filter(**{f"{fk}__in": batch}).order_by("pk")
            ]
            for obj in [*objects, *related]:
                text = serializers.serialize("json", [obj])[1:-1]
                js.write(("" if first else ",\n") + text)
                first = False
            rows += len(objects)
        js.write("]\n")
    for path in (csv_path, json_path):  # the JSON last: its name in place means the kind is whole
        _fsync(_part(path))
        os.replace(_part(path), path)
    _fsync(directory)
    return {
        json_path.name: {"sha256": _sha256(json_path), "items": rows},
        csv_path.name: {"sha256": _sha256(csv_path), "items": rows},
    }


def written(directory: Path, spec) -> tuple[dict, set[int]] | None:
    """A kind's files as an earlier attempt of the run left them: their manifest entries and the
    ids of the items they hold (read from the CSV), or None when the kind is not written whole."""
    json_path, csv_path = _paths(directory, spec)
    if not (json_path.exists() and csv_path.exists()):
        return None
    with open(csv_path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        column = next(reader).index(spec.model._meta.pk.attname)
        ids = {int(row[column]) for row in reader}
    entries = {
        json_path.name: {"sha256": _sha256(json_path), "items": len(ids)},
        csv_path.name: {"sha256": _sha256(csv_path), "items": len(ids)},
    }
    return entries, ids


def write_manifest(directory: Path, run, rules: dict, files: dict) -> str:
    manifest = {
        "format": "fridsam-archive-package/1",
        "municipality": run.municipality.code if run.municipality_id else None,
        "municipality_name": run.municipality.name if run.municipality_id else None,
        "month": f"{run.month:%Y-%m}",
        "run": run.pk,
        "signed_by": run.signed_by_name,
        "signed_at": run.signed_at.isoformat() if run.signed_at else None,
        "rules": rules,
        "files": files,
    }
    path = directory / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    _fsync(path)
    return _sha256(path)


def discard_manifest(directory: Path) -> None:
    """Before a run's first batch: a manifest already there is not this run's (a run number used
    again after a restore of the database), and the package is not complete until it is written."""
    (directory / "manifest.json").unlink(missing_ok=True)


class PackageError(ValueError):
    pass


def verify(directory: Path) -> dict:
    """The manifest, once every file's checksum is checked."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in manifest["files"].items():
        if _sha256(directory / name) != entry["sha256"]:
            raise PackageError(f"{name} does not match its checksum")
    return manifest


def restore(directory: Path) -> int:
    """Load a verified package back into the database (for a request from the archive, or a test);
    returns how many rows were saved."""
    manifest = verify(directory)
    saved = 0
    with transaction.atomic():
        for name in manifest["files"]:
            if not name.endswith(".json"):
                continue
            with open(directory / name, encoding="utf-8") as handle:
                for obj in serializers.deserialize("json", handle.read()):
                    obj.save()
                    saved += 1
    return saved
