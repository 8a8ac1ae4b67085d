export { FileStore } from './file-store.js';
export { FileStoreLockedError } from './errors.js';
export { DEFAULT_LOCAL_STORE, isLocalStoreUri, localPathOf } from './layout.js';
