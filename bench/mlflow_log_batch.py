"""Python side of bench/mlflow-log-batch.mjs: log N metric points to one new run with
MLflow's own MlflowClient.log_batch, and print the timing as one JSON line.

Usage: python mlflow_log_batch.py <experiment name> <points> <keys>
(MLFLOW_TRACKING_URI names the server.)
"""
import json
import sys
import time

from mlflow import MlflowClient
from mlflow.entities import Metric

experiment_name, points, keys = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
client = MlflowClient()
experiment_id = client.create_experiment(experiment_name)
run = client.create_run(experiment_id, run_name="log-batch", start_time=1_700_000_000_000)
run_id = run.info.run_id

# The same points as the TypeScript side: key m<i % keys>, step i // keys, fixed timestamps.
metrics = [
    Metric(key=f"m{i % keys}", value=i / 7, timestamp=1_700_000_000_000 + i, step=i // keys)
    for i in range(points)
]
started = time.perf_counter()
client.log_batch(run_id, metrics=metrics)
seconds = time.perf_counter() - started
client.set_terminated(run_id, end_time=1_700_000_100_000)
print(json.dumps({"run_id": run_id, "seconds": seconds}))
