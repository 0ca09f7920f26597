"""``python -m testbench.demoapp --workdir DIR [--flaw ald-rate]``: the demo application's process."""

from testbench.demoapp.app import main

raise SystemExit(main())
