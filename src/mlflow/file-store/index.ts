export { FileStore, type FileStoreOptions } from './file-store.js';
export { FileStoreError, FileStoreLockedError } from './errors.js';
export { DEFAULT_LOCAL_STORE, isLocalStoreUri, localPathOf } from './layout.js';
