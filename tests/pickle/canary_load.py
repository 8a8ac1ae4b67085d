"""Loads one model file the way its users' code would, to prove a malicious fixture runs code.

Usage: python canary_load.py <loader> <path> [member]
Run only in a throw-away process whose working directory is a fresh temporary directory: the
payloads create their canary file there (or in $MCT_CANARY_DIR).
"""

import pickle
import sys
import zipfile


def main() -> None:
    loader, path = sys.argv[1], sys.argv[2]
    member = sys.argv[3] if len(sys.argv) > 3 else None
    if loader == "pickle":
        with open(path, "rb") as handle:
            pickle.load(handle)
    elif loader == "joblib":
        import joblib

        joblib.load(path)
    elif loader == "torch-zip":
        # What torch.load does with a zip checkpoint: unpickle */data.pkl, storages by persistent id.
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
            unpickler = pickle.Unpickler(archive.open(name))
            unpickler.persistent_load = lambda pid: None
            unpickler.load()
    elif loader == "torch-legacy":
        # torch.load's legacy format: magic number, protocol version, system info, then the object.
        with open(path, "rb") as handle:
            for _ in range(3):
                pickle.load(handle)
            unpickler = pickle.Unpickler(handle)
            unpickler.persistent_load = lambda pid: None
            unpickler.load()
    elif loader == "zip-pickle":
        with zipfile.ZipFile(path) as archive:
            pickle.loads(archive.read(member))
    elif loader == "numpy":
        import numpy

        numpy.load(path, allow_pickle=True)
    elif loader == "npz":
        import numpy

        numpy.load(path, allow_pickle=True)[member[: -len(".npy")]]
    else:
        raise SystemExit(f"unknown loader {loader}")


if __name__ == "__main__":
    main()
