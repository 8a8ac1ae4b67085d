/**
 * `mlflow-mct`: the Model Card core (schema, reading, writing, rendering; the same as
 * `mlflow-mct/card`) and the error hierarchy. The other parts of the library have their own entry
 * points: `mlflow-mct/mlflow` (the MLflow client, stores and push), `mlflow-mct/train` (the
 * penguin random forest) and `mlflow-mct/pickle` (static pickle and joblib inspection).
 */
export * from './errors.js';
export * from './card/index.js';
