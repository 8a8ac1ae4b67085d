export { FileStore } from './file-store.js';
export { DEFAULT_LOCAL_STORE, isLocalStoreUri, localPathOf } from './layout.js';
