"""``python -m benchmarks``: build or reuse the data, measure, print and write the table."""

import sys

from benchmarks.bench import main

sys.exit(main())
