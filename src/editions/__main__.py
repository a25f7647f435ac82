"""``python -m editions``: the ``editions`` command (``import``, ``html``, ``pdf``, ``epub`` …)."""

from .cli import editions_command

if __name__ == "__main__":
    editions_command()
