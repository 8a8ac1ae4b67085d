/**
 * What the Hugging Face README template sees: the card's Markdown view plus the Hub template's
 * own sections filled from the card and its extras (out-of-scope use, how to get started,
 * BibTeX citation, contacts). Everything textual is escaped by the view's Markdown escaper;
 * code blocks carry their text literally.
 */
import { isOutOfScope, outOfScopeUses, type CardExtras } from './extras.js';
import { slug } from './images.js';
import type { ModelCard } from './schema.js';
import type { CardView, TextEscaper } from './view.js';

export interface HubView extends CardView {
  hub: {
    license?: string;
    baseModel?: string;
    directUses: string[];
    outOfScope: string[];
    limitations: string[];
    getStarted?: { uri?: string; code?: string; language: string };
    bibtex: string;
    contacts: string[];
    authors: string[];
  };
}

/** Text inside a fenced code block: nothing to escape but a fence. */
function codeText(text: string): string {
  return text.replace(/`{3,}/g, (fence) => fence.split('').join('\u200b'));
}

function bibtexValue(text: string): string {
  return text.replace(/[{}\\]/g, '').replace(/([%&$#_])/g, '\\$1');
}

/** A BibTeX entry for the model itself, from the card's name, owners, version and first link. */
function bibtexEntry(card: ModelCard): string {
  const details = card.model_details ?? {};
  const year = details.version?.date?.slice(0, 4);
  const url = (details.references ?? []).map((reference) => reference.reference ?? '').find((reference) => /^https?:\/\//.test(reference));
  const authors = (details.owners ?? []).map((owner) => owner.name).filter((name): name is string => !!name);
  const fields: Array<[string, string | undefined]> = [
    ['title', details.name ? `Model Card for ${details.name}` : 'Model Card'],
    ['author', authors.length > 0 ? authors.join(' and ') : undefined],
    ['year', year && /^\d{4}$/.test(year) ? year : undefined],
    ['version', details.version?.name],
    ['howpublished', url ? `\\url{${url.replace(/[{}\\]/g, '')}}` : undefined],
  ];
  const key = `${slug(details.name ?? 'model').replace(/-/g, '_') || 'model'}${year ?? ''}`;
  const body = fields
    .filter((field): field is [string, string] => field[1] !== undefined && field[1] !== '')
    .map(([name, value]) => `  ${name} = {${name === 'howpublished' ? value : bibtexValue(value)}}`)
    .join(',\n');
  return codeText(`@misc{${key},\n${body}\n}`);
}

/** How a reader loads the model: the sidecar's `get_started`, a `models:/` reference, or a Hub id with a pipeline tag. */
export function getStarted(card: ModelCard, extras: CardExtras): HubView['hub']['getStarted'] {
  const references = (card.model_details?.references ?? []).map((reference) => reference.reference ?? '');
  const uri = extras.get_started?.uri ?? references.find((reference) => /^models:\//.test(reference));
  if (extras.get_started?.code) return { ...(uri ? { uri } : {}), code: codeText(extras.get_started.code), language: extras.get_started.language ?? 'python' };
  if (uri) {
    const code =
      extras.hub?.library_name === 'transformers'
        ? `import mlflow\n\ngenerator = mlflow.transformers.load_model("${uri}")\nprint(generator("Hello,")[0]["generated_text"])`
        : `import mlflow\n\n# The model's files, as the MLflow Model Registry holds them\nlocal_path = mlflow.artifacts.download_artifacts("${uri}")`;
    return { uri, code: codeText(code), language: 'python' };
  }
  const hubId = references.map((reference) => /^https:\/\/huggingface\.co\/([\w.-]+(?:\/[\w.-]+)?)$/.exec(reference)?.[1]).find(Boolean);
  if (hubId && extras.hub?.pipeline_tag) {
    return { code: codeText(`from transformers import pipeline\n\npipe = pipeline("${extras.hub.pipeline_tag}", model="${hubId}")`), language: 'python' };
  }
  return undefined;
}

export function buildHubView(view: CardView, card: ModelCard, extras: CardExtras, escape: TextEscaper): HubView {
  const limitations = (card.considerations?.limitations ?? []).map((item) => item.description ?? '').filter((text) => text !== '');
  const owners = card.model_details?.owners ?? [];
  const license = card.model_details?.licenses?.[0];
  const baseModel = extras.hub?.base_model;
  const started = getStarted(card, extras);
  return {
    ...view,
    hub: {
      ...(license ? { license: escape.inline(license.identifier ?? license.custom_text ?? '') } : {}),
      ...(baseModel ? { baseModel: escape.inline(Array.isArray(baseModel) ? baseModel.join(', ') : baseModel) } : {}),
      directUses: (card.considerations?.use_cases ?? []).map((item) => item.description ?? '').filter((text) => text !== '').map(escape.inline),
      outOfScope: outOfScopeUses(limitations, extras).map(escape.inline),
      limitations: limitations.filter((text) => !isOutOfScope(text)).map(escape.inline),
      ...(started ? { getStarted: { ...started, ...(started.uri ? { uri: started.uri.replace(/`/g, "") } : {}) } } : {}),
      bibtex: bibtexEntry(card),
      // An e-mail address becomes a mail link (an autolink's text is literal); anything else is text.
      contacts: owners
        .map((owner) => owner.contact)
        .filter((contact): contact is string => !!contact)
        .map((contact) => (/^[^\s<>@\\]+@[^\s<>@\\]+\.[A-Za-z]{2,}$/.test(contact) ? `<${contact}>` : escape.inline(contact))),
      authors: owners.map((owner) => owner.name).filter((name): name is string => !!name).map(escape.inline),
    },
  };
}
