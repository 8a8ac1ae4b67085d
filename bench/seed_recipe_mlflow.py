"""The seed's train_penguin_classifier.py with its MLflow calls, registering the model: the
Python side of the MLflow comparison in bench/train-penguins.mjs.

Usage: python bench/seed_recipe_mlflow.py PENGUINS_CSV OUT_DIR TRACKING_URI REGISTERED_NAME

The recipe of bench/seed_recipe.py inside mlflow.start_run(): log_param("n_estimators", 100),
fit, log_metric("accuracy", ...), mlflow.sklearn.log_model(clf, "penguin-classifier-rf",
registered_model_name=REGISTERED_NAME); then the card. The seed sets no experiment, so the run
goes to the default one. One argument more than the seed: MLflow 3.17 saves scikit-learn models
with skops and refuses a forest unless its tree type is declared trusted, so the call passes
skops_trusted_types (the fix MLflow's error message asks for). Prints one JSON object (run id,
registered version, milliseconds).
"""
import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import mlflow  # noqa: E402
import mlflow.sklearn  # noqa: E402
import pandas  # noqa: E402
import sklearn  # noqa: E402

from seed_recipe import fit, millis, score, split, write_card  # noqa: E402

IMPORTED = time.perf_counter()
FOREST_TYPES = ["sklearn.tree._tree.Tree"]


def main():
    path, out_dir, tracking_uri, registered_name = sys.argv[1:5]
    mlflow.set_tracking_uri(tracking_uri)
    X_train, X_test, y_train, y_test = split(path)
    with mlflow.start_run() as run:
        mlflow.log_param("n_estimators", 100)
        fit_start = time.perf_counter()
        model = fit(X_train, y_train)
        train_ms = millis(fit_start)
        accuracy = score(model, X_test, y_test)
        mlflow.log_metric("accuracy", accuracy)
        log_start = time.perf_counter()
        info = mlflow.sklearn.log_model(
            model, "penguin-classifier-rf", registered_model_name=registered_name, skops_trusted_types=FOREST_TYPES
        )
        log_model_ms = millis(log_start)
    print(f"Run ID: {run.info.run_id} - accuracy: {accuracy:.4f}", file=sys.stderr)
    write_card(out_dir, accuracy, run.info.run_id)
    print(json.dumps({
        "runId": run.info.run_id,
        "registeredVersion": str(info.registered_model_version),
        "accuracy": accuracy,
        "versions": {"python": sys.version.split()[0], "mlflow": mlflow.__version__, "scikit-learn": sklearn.__version__, "pandas": pandas.__version__},
        "timings": {"importMs": millis(STARTED, IMPORTED), "trainMs": train_ms, "logModelMs": log_model_ms, "totalMs": millis(STARTED)},
    }))


if __name__ == "__main__":
    main()
