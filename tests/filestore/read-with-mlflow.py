# Reads a local store with Python MLflow's own FileStore and prints what it sees as one JSON line.
# Usage: read-with-mlflow.py <store dir> <experiment name> <registered model name>
import json
import math
import os
import sys
import tempfile

import yaml
from mlflow import MlflowClient
from mlflow.artifacts import download_artifacts
from mlflow.entities import ViewType

store, experiment_name, model_name = sys.argv[1:4]
uri = "file://" + os.path.abspath(store)
client = MlflowClient(tracking_uri=uri, registry_uri=uri)


def number(value):
    return "NaN" if isinstance(value, float) and math.isnan(value) else value


def all_artifacts(list_fn, path=None):
    found = {}
    for info in list_fn(path):
        if info.is_dir:
            found.update(all_artifacts(list_fn, info.path))
        else:
            found[info.path] = info.file_size
    return found


experiments = client.search_experiments(view_type=ViewType.ALL)
experiment = client.get_experiment_by_name(experiment_name)
runs = client.search_runs([experiment.experiment_id])
out = {
    "experiments": sorted([e.name for e in experiments]),
    "experiment": {"id": experiment.experiment_id, "tags": experiment.tags, "lifecycle_stage": experiment.lifecycle_stage},
    "runs": [],
}
scratch = tempfile.mkdtemp()
for run in runs:
    run_id = run.info.run_id
    history = {}
    for key in run.data.metrics:
        history[key] = [
            {"value": number(m.value), "step": m.step, "timestamp": m.timestamp}
            for m in client.get_metric_history(run_id, key)
        ]
    artifacts = all_artifacts(lambda path: client.list_artifacts(run_id, path))
    contents = {}
    for path in artifacts:
        local = client.download_artifacts(run_id, path, scratch)
        with open(local) as f:
            contents[path] = f.read()
    out["runs"].append({
        "run_id": run_id,
        "run_name": run.info.run_name,
        "status": run.info.status,
        "start_time": run.info.start_time,
        "end_time": run.info.end_time,
        "user_id": run.info.user_id,
        "lifecycle_stage": run.info.lifecycle_stage,
        "params": run.data.params,
        "tags": run.data.tags,
        "latest_metrics": {k: number(v) for k, v in run.data.metrics.items()},
        "history": history,
        "datasets": [
            {"name": d.dataset.name, "digest": d.dataset.digest, "source_type": d.dataset.source_type,
             "source": d.dataset.source, "schema": d.dataset.schema, "profile": d.dataset.profile,
             "tags": {t.key: t.value for t in d.tags}}
            for d in run.inputs.dataset_inputs
        ],
        "outputs": [{"model_id": o.model_id, "step": o.step} for o in (run.outputs.model_outputs if run.outputs else [])],
        "artifacts": contents,
    })

models = client.search_logged_models([experiment.experiment_id])
out["logged_models"] = []
for model in models:
    files = all_artifacts(lambda path: client.list_logged_model_artifacts(model.model_id, path))
    mlmodel = yaml.safe_load(open(download_artifacts(artifact_uri=model.artifact_location + "/MLmodel", dst_path=scratch)))
    out["logged_models"].append({
        "model_id": model.model_id,
        "name": model.name,
        "status": str(model.status),
        "model_type": model.model_type,
        "source_run_id": model.source_run_id,
        "params": model.params,
        "tags": {k: v for k, v in model.tags.items()},
        "metrics": [{"key": m.key, "value": m.value, "step": m.step, "dataset_name": m.dataset_name} for m in model.metrics],
        "files": sorted(files),
        "mlmodel": {"model_id": mlmodel.get("model_id"), "run_id": mlmodel.get("run_id"), "flavors": sorted(mlmodel.get("flavors", {}))},
    })

registered = client.get_registered_model(model_name)
versions = client.search_model_versions(f"name='{model_name}'")
by_alias = client.get_model_version_by_alias(model_name, "champion")
out["registered_model"] = {
    "name": registered.name,
    "description": registered.description,
    "tags": registered.tags,
    "aliases": registered.aliases,
    "versions": [
        {"version": str(v.version), "description": v.description, "tags": v.tags, "aliases": list(v.aliases),
         "source": v.source, "run_id": v.run_id, "model_id": v.model_id, "status": v.status}
        for v in versions
    ],
    "champion": str(by_alias.version),
    "download_uri": client.get_model_version_download_uri(model_name, by_alias.version),
}
print(json.dumps(out))
