"""scikit-learn side of bench/train.mjs: the seed recipe and the 5,000-row timing, as JSON.

Usage: python bench/train_sklearn.py PENGUINS_CSV SYNTHETIC_CSV
Prints one JSON object on stdout. Times are wall-clock milliseconds.
"""
import json
import os
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


def seed_recipe(path):
    started = time.perf_counter()
    X, y = design(path)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    fit_start = time.perf_counter()
    model = RandomForestClassifier(n_estimators=100, random_state=42).fit(X_train, y_train)
    train_ms = millis(fit_start)
    accuracy = float(model.score(X_test, y_test))
    cv_start = time.perf_counter()
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=42)
    scores = cross_val_score(RandomForestClassifier(n_estimators=100, random_state=42), X, y, cv=cv)
    return {
        "testAccuracy": accuracy,
        "testRows": [int(i) for i in X_test.index],
        "cvMean": float(np.mean(scores)),
        "cvStd": float(np.std(scores)),
        "trainMs": train_ms,
        "cvMs": millis(cv_start),
        "totalMs": millis(started),
    }


def scale(path):
    X, y = design(path)
    timings = {}
    for jobs in (1, -1):
        start = time.perf_counter()
        RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=jobs).fit(X, y)
        timings[jobs] = millis(start)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    model = RandomForestClassifier(n_estimators=100, random_state=42).fit(X_train, y_train)
    return {
        "rows": int(len(X)),
        "trainMs": timings[1],
        "trainMsAllCores": timings[-1],
        "cores": os.cpu_count(),
        "heldOutAccuracy": float(model.score(X_test, y_test)),
    }


def main():
    penguins, synthetic = sys.argv[1], sys.argv[2]
    print(json.dumps({
        "versions": {"python": sys.version.split()[0], "scikit-learn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__},
        "seedRecipe": seed_recipe(penguins),
        "scale": scale(synthetic),
    }))


if __name__ == "__main__":
    main()
