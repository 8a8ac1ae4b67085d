"""scikit-learn side of bench/train.mjs, as JSON on stdout. Times are wall-clock milliseconds.

Usage:
  python bench/train_sklearn.py seed PENGUINS_CSV      the seed recipe: split, accuracy, 5x3 CV, fit times
  python bench/train_sklearn.py scale CSV JOBS [--held-out]
      100 trees on every row of CSV with n_jobs=JOBS (time, peak memory of this process), then with
      --held-out the accuracy of a forest fit on an 80/20 split of the same rows.
"""
import json
import resource
import statistics
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score, train_test_split


def design(path):
    """The seed recipe's features: read_csv().dropna(), get_dummies(drop_first=True)."""
    df = pd.read_csv(path).dropna()
    return pd.get_dummies(df.drop("species", axis=1), drop_first=True), df["species"]


def millis(start):
    return (time.perf_counter() - start) * 1000


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def versions():
    return {"python": sys.version.split()[0], "scikit-learn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__}


def seed_recipe(path):
    """One fit and the 5x3 cross-validation of the seed recipe (bench/seed_recipe.py reuses it)."""
    X, y = design(path)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    start = time.perf_counter()
    model = RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=1).fit(X_train, y_train)
    train_ms = millis(start)
    cv_start = time.perf_counter()
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=42)
    scores = cross_val_score(RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=1), X, y, cv=cv)
    return {
        "testAccuracy": float(model.score(X_test, y_test)),
        "testRows": [int(i) for i in X_test.index],
        "cvMean": float(np.mean(scores)),
        "cvStd": float(np.std(scores)),
        "trainMs": train_ms,
        "cvMs": millis(cv_start),
    }


def seed(path, reps=7):
    """The seed recipe, plus more fits of the same forest for a median fit time."""
    recipe = seed_recipe(path)
    X, y = design(path)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=42)
    fits = [recipe["trainMs"]]
    for _ in range(reps - 1):
        start = time.perf_counter()
        RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=1).fit(X_train, y_train)
        fits.append(millis(start))
    return {"versions": versions(), **recipe, "fitFirstMs": fits[0], "fitMedianMs": statistics.median(fits[1:])}


def scale(path, jobs, held_out):
    start = time.perf_counter()
    X, y = design(path)
    load_ms = millis(start)
    start = time.perf_counter()
    RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=jobs).fit(X, y)
    result = {"versions": versions(), "rows": int(len(X)), "loadMs": load_ms, "fitMs": millis(start), "peakMb": peak_mb()}
    if held_out:
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
        model = RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=jobs).fit(X_train, y_train)
        result["heldOutAccuracy"] = float(model.score(X_test, y_test))
    return result


def main():
    mode = sys.argv[1]
    if mode == "seed":
        print(json.dumps(seed(sys.argv[2])))
    else:
        print(json.dumps(scale(sys.argv[2], int(sys.argv[3]), "--held-out" in sys.argv)))


if __name__ == "__main__":
    main()
