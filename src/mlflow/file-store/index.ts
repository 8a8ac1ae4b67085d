export { FileStore, type FileStoreOptions } from './file-store.js';
export { FileTrackingStore } from './tracking.js';
export { FileRegistryStore } from './registry.js';
export { LocalArtifactRepository } from './artifacts.js';
export { FileStoreError, FileStoreLockedError } from './errors.js';
export { DEFAULT_LOCAL_STORE, isLocalStoreUri, localPathOf } from './layout.js';
