/**
 * The record step of the commands that document a model MLflow did not make (legacy-card,
 * api-card): the written card attached to an existing run or registered version. It creates no
 * run of its own, so there is no run to keep whole: a server that stops answering is an error
 * (the card stays written), never a switch to the local store, which does not hold that run.
 */
import type { CardFiles } from '../card/write.js';

/** Attaches the card's files and Markdown; undefined when nothing was asked to be attached. */
export type CardAttachStep<T> = (files: CardFiles, markdown: string) => Promise<T>;
