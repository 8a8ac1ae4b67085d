/**
 * The model-registry store: registered models, their versions, stages and aliases (MLflow's
 * `mlflow.store.model_registry.AbstractStore`). `RestRegistryStore` talks to a tracking server,
 * `FileRegistryStore` keeps them under a local store's `models/`. The rules of
 * `./tracking.ts` hold here too.
 */
import type { ModelVersion, Page, RegisteredModel, SearchOptions, Tags } from '../types.js';

export interface CreateRegisteredModelRequest {
  name: string;
  description?: string | undefined;
  tags?: Tags | undefined;
}

export interface CreateModelVersionRequest {
  name: string;
  /** An artifact URI (`mlflow-artifacts:/...`) or `models:/<m-id>` for a LoggedModel. */
  source: string;
  runId?: string | undefined;
  /** MLflow 3: the LoggedModel registered. */
  modelId?: string | undefined;
  description?: string | undefined;
  tags?: Tags | undefined;
  runLink?: string | undefined;
}

export interface RegistryStore {
  // ---- Model Registry ----
  createRegisteredModel(request: CreateRegisteredModelRequest): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  searchRegisteredModels(request: SearchOptions): Promise<Page<RegisteredModel>>;
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  deleteRegisteredModel(name: string): Promise<void>;
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;
  /** The latest version per stage (all stages when `stages` is empty). Deprecated in MLflow; kept for `models:/name/<stage>`. */
  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]>;

  createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  searchModelVersions(request: SearchOptions): Promise<Page<ModelVersion>>;
  updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion>;
  transitionModelVersionStage(name: string, version: string, stage: string, archiveExistingVersions: boolean): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;
  /** The artifact URI the version's files can be downloaded from. */
  getModelVersionDownloadUri(name: string, version: string): Promise<string>;

  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

}
