"""``python -m testbench`` — same as the ``testbench`` console script."""

from testbench.cli.main import main

raise SystemExit(main())
