/**
 * Every tag name mlflow-mct reads or writes, in one place: MLflow's own system tags
 * (`mlflow.*`, see `mlflow/utils/mlflow_tags.py`) and the `mlflow-mct.*` tags this tool puts on
 * runs, model versions and pushed entities.
 */

// ---- MLflow's system tags ----

/** The run's name; MLflow keeps it in sync with `RunInfo.run_name`. */
export const RUN_NAME_TAG = 'mlflow.runName';
export const USER_TAG = 'mlflow.user';
export const SOURCE_NAME_TAG = 'mlflow.source.name';
export const SOURCE_TYPE_TAG = 'mlflow.source.type';
export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';
/** The run's description, shown as "Description" in the UI. */
export const NOTE_TAG = 'mlflow.note.content';
/** The JSON list of models logged to a run the MLflow 2 way (`mlflow.log_model`). */
export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';
/** On a dataset input: `training`, `evaluation`, ... */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

// ---- mlflow-mct's tags ----

/** The one-off tag that lets a retried create find what an earlier attempt made. */
export const REQUEST_MARKER_TAG = 'mct.request_id';
/** On a model version: the URI of its Model Card (HTML) in the run's artifacts. */
export const CARD_VERSION_TAG = 'mlflow-mct.card';
/** On a model version: the run it was registered from. */
export const VERSION_RUN_TAG = 'mlflow-mct.run_id';
/** On a model version: the model version string the user gave (`--model-version`). */
export const MODEL_VERSION_TAG = 'mlflow-mct.model_version';
/** On a run: `models:/<name>/<version>` it was registered as. */
export const REGISTERED_VERSION_TAG = 'mlflow-mct.registered_version';
/** On pushed entities: the local id they were copied from. */
export const SOURCE_RUN_TAG = 'mlflow-mct.source_run_id';
export const SOURCE_MODEL_TAG = 'mlflow-mct.source_model_id';
export const SOURCE_VERSION_TAG = 'mlflow-mct.source_version';
/** On a run left incomplete when the server went away; its complete copy was recorded locally. */
export const INCOMPLETE_RUN_TAG = 'mlflow-mct.incomplete';
