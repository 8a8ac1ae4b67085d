"""Reads joblib files (hex, one JSON list on stdin) as joblib.load does and reports, for each,
whether loading succeeds and where in the file it stops. Files hold only NumpyArrayWrapper,
numpy.ndarray and numpy.dtype imports: nothing else can be imported or run."""

import io
import os
import json
import sys
import warnings

from joblib.numpy_pickle import NumpyUnpickler


class Restricted(NumpyUnpickler):
    ALLOWED = {("joblib.numpy_pickle", "NumpyArrayWrapper"), ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise ValueError(f"refused {module}.{name}")
        return super().find_class(module, name)


def load(data: bytes) -> dict:
    handle = io.BufferedReader(io.BytesIO(data))
    try:
        Restricted("", handle, ensure_native_byte_order=False).load()
        return {"ok": True, "end": handle.tell()}
    except BaseException as error:  # noqa: BLE001 - any failure is a refusal to load
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:200]}


def isolated(data: bytes) -> dict:
    """Each file in a forked child: a lying dtype can crash numpy (object pointers from raw bytes)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, json.dumps(load(data)).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return {"ok": False, "error": f"the loader crashed (wait status {status})"}
    return json.loads(b"".join(chunks))


def main() -> None:
    warnings.simplefilter("ignore")
    json.dump([isolated(bytes.fromhex(data)) for data in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
