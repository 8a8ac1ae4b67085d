# Writes, with Python MLflow's own FileStore, the same kinds of entities as example-run.ts, so a
# test can compare the files of both writers. Usage: write-with-mlflow.py <store dir>
import os
import sys
import tempfile

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag, LoggedModelOutput, Metric, Param, RunTag

uri = "file://" + os.path.abspath(sys.argv[1])
# The registry FileStore looks LoggedModels up through the global tracking URI.
mlflow.set_tracking_uri(uri)
client = MlflowClient(tracking_uri=uri, registry_uri=uri)
experiment_id = client.create_experiment("penguins", tags={"team": "governance"})
run = client.create_run(experiment_id, run_name="rf-100-trees", tags={"mlflow.user": "ana"}, start_time=1700000000000)
run_id = run.info.run_id
client.log_batch(run_id, metrics=[Metric("accuracy", 0.5, 1700000000000, 0)], params=[Param("seed", "42")], tags=[RunTag("stage", "baseline")])
client.log_inputs(run_id, [DatasetInput(Dataset(name="penguins", digest="a1b2c3d4", source_type="local", source='{"uri": "data/penguins.csv"}', schema="{}", profile="{}"), tags=[InputTag("mlflow.data.context", "training")])])
scratch = tempfile.mkdtemp()
with open(os.path.join(scratch, "notes.txt"), "w") as f:
    f.write("hola\n")
client.log_artifact(run_id, os.path.join(scratch, "notes.txt"))
model = client.create_logged_model(experiment_id, name="model", source_run_id=run_id, params={"n_estimators": "100"}, tags={"framework": "x"}, model_type="random-forest")
client.log_outputs(run_id, [LoggedModelOutput(model.model_id, 0)])
client.finalize_logged_model(model.model_id, "READY")
client.log_metric(run_id, "accuracy", 0.985, timestamp=1700000055000, step=5, model_id=model.model_id, dataset_name="penguins", dataset_digest="a1b2c3d4")
client.create_registered_model("penguin-classifier", tags={"domain": "ecology"}, description="desc")
version = client.create_model_version("penguin-classifier", source=f"models:/{model.model_id}", run_id=run_id, tags={"validated": "true"}, description="first", model_id=model.model_id)
client.set_registered_model_alias("penguin-classifier", "champion", version.version)
client.set_terminated(run_id, "FINISHED", end_time=1700000060000)
