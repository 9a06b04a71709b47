"""The demo instruments shipped in data/instruments, loaded by the demo and the tests."""

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent / "data" / "instruments"


def load_demo_instruments() -> dict:
    """Load the three demo instruments; returns kind → Instrument."""
    from fridsam.followup import services

    result = {}
    for path in sorted(DIRECTORY.glob("*.json")):
        version, _created = services.instrument_load(path.read_bytes())
        result[version.instrument.kind] = version.instrument
    return result
