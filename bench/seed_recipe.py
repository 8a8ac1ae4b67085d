"""The seed's train_penguin_classifier.py without MLflow: the Python side of the cold dry-run
comparison in bench/train-penguins.mjs.

Usage: python bench/seed_recipe.py PENGUINS_CSV OUT_DIR [--cross-validate]

read_csv().dropna(), get_dummies(drop_first=True), train_test_split(test_size=0.2,
random_state=42), RandomForestClassifier(n_estimators=100, random_state=42), test accuracy, then
penguin_model_card.html in OUT_DIR. --cross-validate adds the 5x3 repeated stratified
cross-validation mlflow-mct runs by default. Prints one JSON object: wall-clock milliseconds of
each step, measured from the first line of this file (interpreter start-up comes before it).
"""
import time

STARTED = time.perf_counter()

import html  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import pandas  # noqa: E402
import sklearn  # noqa: E402

from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from train_sklearn import design, seed_recipe as seed_recipe_with_cross_validation  # noqa: E402

IMPORTED = time.perf_counter()
CARD_FILE = "penguin_model_card.html"


def millis(start, end=None):
    return ((end if end is not None else time.perf_counter()) - start) * 1000


def split(path):
    X, y = design(path)
    return train_test_split(X, y, test_size=0.2, random_state=42)


def fit(X_train, y_train):
    return RandomForestClassifier(n_estimators=100, random_state=42).fit(X_train, y_train)


def score(model, X_test, y_test):
    return float(accuracy_score(y_test, model.predict(X_test)))


def write_card(out_dir, accuracy, run_id=None):
    """The seed card's content (name, overview, run reference, accuracy) as one HTML page."""
    references = f"<h2>References</h2><ul><li>MLflow Run ID: {html.escape(run_id)}</li></ul>\n" if run_id else ""
    page = f"""<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>Clasificador de Especies de Pingüinos</title></head>
<body>
<h1>Clasificador de Especies de Pingüinos</h1>
<h2>Model Details</h2>
<p>RandomForestClassifier entrenado para predecir la especie de un pingüino.</p>
{references}<h2>Quantitative Analysis</h2>
<table><tr><th>type</th><th>value</th></tr><tr><td>accuracy</td><td>{html.escape(str(round(accuracy, 4)))}</td></tr></table>
</body></html>
"""
    path = os.path.join(out_dir, CARD_FILE)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(page)
    return path


def main():
    path, out_dir = sys.argv[1], sys.argv[2]
    timings = {"importMs": millis(STARTED, IMPORTED)}
    started = time.perf_counter()
    if "--cross-validate" in sys.argv[3:]:
        recipe = seed_recipe_with_cross_validation(path)
        accuracy = recipe["testAccuracy"]
        timings.update(trainMs=recipe["trainMs"], crossValidationMs=recipe["cvMs"])
    else:
        X_train, X_test, y_train, y_test = split(path)
        fit_start = time.perf_counter()
        model = fit(X_train, y_train)
        timings["trainMs"] = millis(fit_start)
        accuracy = score(model, X_test, y_test)
    timings["recipeMs"] = millis(started)
    card_start = time.perf_counter()
    write_card(out_dir, accuracy)
    timings["cardMs"] = millis(card_start)
    timings["totalMs"] = millis(STARTED)
    versions = {"python": sys.version.split()[0], "scikit-learn": sklearn.__version__, "pandas": pandas.__version__}
    print(json.dumps({"accuracy": accuracy, "versions": versions, "timings": timings}))


if __name__ == "__main__":
    main()
