"""The Voila server process: Voila itself, with kernel channels that wait in slices.

``bmoredash serve`` runs ``python -m bmoredash.voila_server`` instead of ``python -m voila``
so that a lost ZeroMQ wake-up cannot leave a visitor's page loading for ever
(see ``bmoredash.kernel_channels``). Arguments are Voila's own.
"""

from __future__ import annotations

from bmoredash import kernel_channels


def main() -> None:
    kernel_channels.install()
    from voila.app import main as voila_main

    voila_main()


if __name__ == "__main__":
    main()
