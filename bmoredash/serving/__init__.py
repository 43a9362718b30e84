"""Everything that exists only because the dashboard is served by Voila from Jupyter kernels.

What belongs here: the ``bmoredash serve`` launcher (``launch``), the Voila server process
(``server``), its load guard (``guard`` and its pages in ``templates/``), the forked-kernel
provisioner (``fork_kernels``), the ZeroMQ channel patch (``kernel_channels``), the
checked-in Voila configuration (``voila/voila.json``) and page template
(``share/voila/templates/bmoredash``), and the few kernel-side workarounds for Voila's
behaviour (``hooks``).

The rule: serving sits on top of the product. Modules here may import the product
(``bmoredash.app``, ``bmoredash.store``, ``bmoredash.config``...), but product modules import
nothing from ``bmoredash.serving`` except through the one documented hook module,
``bmoredash.serving.hooks`` (today: ``bmoredash.app.shell`` and the report batch, which
installs the kernel channel patch before papermill runs). Anything Voila or Jupyter
specific that a product module seems to need goes into ``hooks`` with a docstring saying
why it exists and when to remove it. ``bmoredash.cli`` starts the server through
``serving.launch``: the command line sits above both.
"""
