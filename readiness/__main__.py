"""Entry point: ``python -m readiness``."""

from readiness.cli import main

raise SystemExit(main())
