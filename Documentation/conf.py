# SPDX-License-Identifier: GPL-2.0-or-later
# Sphinx configuration of kgr's documentation (make docs). The kernel-doc
# directives use the kernel's own Sphinx extension and kernel-doc script,
# from the kernel source tree given in KGR_KSRC (scripts/ksrc.sh).
import os
import sys

ksrc = os.environ.get("KGR_KSRC")
if not ksrc:
    sys.exit("conf.py: KGR_KSRC (a kernel source tree) is not set")
sys.path.insert(0, os.path.join(ksrc, "Documentation", "sphinx"))

project = "kgr"
extensions = ["kerneldoc"]
kerneldoc_bin = os.path.join(ksrc, "scripts", "kernel-doc")
kerneldoc_srctree = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
primary_domain = "c"
highlight_language = "none"
exclude_patterns = []
html_theme = "classic"
