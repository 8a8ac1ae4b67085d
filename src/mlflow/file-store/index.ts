export { FileStore, type FileStoreOptions } from './file-store.js';
export { FileStoreError, FileStoreLockedError } from './errors.js';
export { localPathOf } from './layout.js';
