"""Process settings the model and FAISS need, applied before either library loads.

Imported first by :mod:`index.passages.embed` and :mod:`index.passages.vectors`; environment variables set
here are read once, when torch, FAISS and huggingface_hub initialise.
"""

from __future__ import annotations

import os

# Never reach for the network: models must already be on disk.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
# OpenMP threads that spin while waiting steal the cores they wait for when other work
# shares the machine: one report's passages took 0.99 s to embed with spinning threads,
# 0.16 s with passive ones (2 busy cores).  A user's own choice is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# Library progress bars say only "Loading weights" or "Batches": ours, labelled, replace them.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
