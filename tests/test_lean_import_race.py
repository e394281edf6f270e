"""sqlite_utils_lean hides numpy while sqlite-utils loads (in the store
thread); a sentence split in another thread at that moment (a worker
splitting a paragraph with a NUL byte needs blingfire's wrapper, which
imports numpy) must still split, not come back as one sentence (which the
split cache then keeps for the session).

Run in a fresh process: the window is made certain by a finder that holds
the store thread inside the lean import (running sqlite_utils.migrations,
which it loads after sqlite_utils.db) until the other thread has split.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import importlib.abc, importlib.machinery, sys, threading
    from tui.text.segment import split_sentences

    inside, split_done = threading.Event(), threading.Event()

    class Held(importlib.abc.Loader):
        # Runs sqlite_utils.migrations once the other thread has split (a
        # module's code runs outside the global import lock; find_spec does not).
        def __init__(self, real):
            self.real = real

        def create_module(self, spec):
            return None

        def exec_module(self, module):
            inside.set()
            split_done.wait(60)
            self.real.exec_module(module)

    class Hold:
        def find_spec(self, name, path=None, target=None):
            if name != "sqlite_utils.migrations" or inside.is_set():
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path, target)
            spec.loader = Held(spec.loader)
            return spec

    sys.meta_path.insert(0, Hold())
    loader = threading.Thread(target=lambda: __import__("tui.store.sqlite_utils_lean"))
    loader.start()
    assert inside.wait(60), "the lean import never reached sqlite_utils.migrations"
    try:
        print(split_sentences("Hello there.\\x00 This is a test. Third one."))
    finally:
        split_done.set()
        loader.join()
    import tui.store.sqlite_utils_lean  # the store still loads
    print(sys.modules["sqlite_utils.db"].np is None)
""")


def test_split_in_another_thread_while_sqlite_utils_loads():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[(0, 13), (14, 29), (30, 40)]", "True"]
