"""The Voila server process: Voila with kernel channels that wait in slices and a load guard.

``bmoredash serve`` runs ``python -m bmoredash.serving.server`` instead of ``python -m voila``
so that a lost ZeroMQ wake-up cannot leave a visitor's page loading for ever
(see ``bmoredash.serving.kernel_channels``), and so that the app page goes through the load guard
(``bmoredash.serving.guard``: no kernel for clients that run no script, a cap on kernels, a
queue for notebook runs, closed tabs' kernels ended). Arguments are Voila's own, plus
``--BmoredashLoadGuard.<setting>=<value>``.
"""

from __future__ import annotations

from bmoredash.serving import kernel_channels


def main() -> None:
    kernel_channels.install()
    from bmoredash.serving.guard import main as guarded_voila_main

    guarded_voila_main()


if __name__ == "__main__":
    main()
