import type { CardExtras } from '../extras.js';
import { licenseFromText } from '../migrate.js';
import type { Lang } from '../labels.js';
import type { ModelCard } from '../schema.js';

/** What is known about a text-generation model being registered. */
export interface GenerativeModelFacts {
  registeredName: string;
  /** The Hugging Face id, for a reference registration or a folder's base model. */
  sourceModel?: string;
  revision?: string;
  architecture?: string;
  parameters?: number;
  contextLength?: number;
  vocabSize?: number;
  license?: string;
  baseModel?: string;
  /** The local folder's name, for a model uploaded from a folder. */
  folderName?: string;
}

interface GenerativeTexts {
  overview: string;
  architecture: (facts: GenerativeModelFacts) => string;
  input: string;
  output: string;
  users: string[];
  useCases: string[];
  outOfScope: string;
  limitations: string[];
  tradeoffs: string[];
  risks: Array<[risk: string, mitigation: string]>;
}

function formatCount(count: number, lang: Lang): string {
  return count.toLocaleString(lang === 'es' ? 'es-ES' : 'en-US');
}

function describeArchitecture(facts: GenerativeModelFacts, lang: Lang, labels: { model: string; params: string; context: string; vocab: string; source: string; base: string }): string {
  const parts = [
    `${labels.model}: ${facts.architecture ?? facts.sourceModel ?? facts.registeredName}`,
    facts.parameters !== undefined ? `${labels.params}: ${formatCount(facts.parameters, lang)}` : undefined,
    facts.contextLength !== undefined ? `${labels.context}: ${formatCount(facts.contextLength, lang)} tokens` : undefined,
    facts.vocabSize !== undefined ? `${labels.vocab}: ${formatCount(facts.vocabSize, lang)}` : undefined,
    facts.sourceModel ? `${labels.source}: ${facts.sourceModel}${facts.revision ? ` @ ${facts.revision}` : ''}` : undefined,
    facts.baseModel ? `${labels.base}: ${facts.baseModel}` : undefined,
  ];
  return parts.filter((part): part is string => part !== undefined).join('\n');
}

/**
 * The Spanish name and overview follow the original `register_generative_model.py`; the risks
 * are those every text generator carries, each with a mitigation.
 */
const TEXTS: Record<Lang, GenerativeTexts> = {
  en: {
    overview: 'Pre-trained Hugging Face model for text generation.',
    architecture: (facts) =>
      describeArchitecture(facts, 'en', { model: 'Architecture', params: 'Parameters', context: 'Context length', vocab: 'Vocabulary size', source: 'Source', base: 'Base model' }),
    input: 'Text prompt (a string).',
    output: 'Generated continuation text.',
    users: ['Developers and data scientists prototyping text-generation features.'],
    useCases: ['Drafting and autocompleting text for human review', 'Experimenting with prompts and generation settings'],
    outOfScope:
      'Out of scope: decisions about people (hiring, credit, health, legal), factual answers without verification, and fully automated publication of generated text.',
    limitations: [
      'Generated text can be fluent but false (hallucination); the model has no access to facts beyond its training data.',
      'Quality depends on the language and domain of the prompt; languages and domains scarce in the training data fare worse.',
      'Output is limited by the context length; longer inputs are truncated.',
    ],
    tradeoffs: ['Sampling settings trade diversity for coherence: higher temperature gives more varied but less reliable text.'],
    risks: [
      ['Hallucination: confident, plausible but incorrect statements.', 'Keep a human in the loop and verify facts against trusted sources before use.'],
      ['Bias: stereotypes and unequal treatment learned from web-scale training data.', 'Evaluate outputs across groups relevant to the use case and document the findings; avoid uses that affect people.'],
      ['Toxic or offensive output.', 'Filter prompts and outputs with a moderation step and log flagged cases.'],
      ['Leakage of training data: memorised text, possibly personal data, can be reproduced.', 'Do not use for tasks that could surface personal data; filter outputs for personal information.'],
      ['Prompt injection: instructions hidden in inputs can steer the model.', 'Treat model output as untrusted; never let it trigger actions or reach systems without validation.'],
    ],
  },
  es: {
    overview: 'Modelo pre-entrenado de Hugging Face para generación de texto.',
    architecture: (facts) =>
      describeArchitecture(facts, 'es', { model: 'Arquitectura', params: 'Parámetros', context: 'Longitud de contexto', vocab: 'Tamaño del vocabulario', source: 'Origen', base: 'Modelo base' }),
    input: 'Texto de entrada (prompt, una cadena).',
    output: 'Texto generado como continuación.',
    users: ['Desarrolladores y científicos de datos que prototipan funciones de generación de texto.'],
    useCases: ['Redactar y autocompletar borradores para revisión humana', 'Experimentar con prompts y parámetros de generación'],
    outOfScope:
      'Fuera de alcance: decisiones sobre personas (contratación, crédito, salud, asuntos legales), respuestas factuales sin verificación y publicación automática de texto generado.',
    limitations: [
      'El texto generado puede ser fluido pero falso (alucinación); el modelo no tiene acceso a hechos más allá de sus datos de entrenamiento.',
      'La calidad depende del idioma y del dominio del prompt; los idiomas y dominios poco presentes en el entrenamiento rinden peor.',
      'La salida está limitada por la longitud de contexto; las entradas más largas se truncan.',
    ],
    tradeoffs: ['Los parámetros de muestreo intercambian diversidad por coherencia: más temperatura da texto más variado pero menos fiable.'],
    risks: [
      ['Alucinación: afirmaciones seguras y verosímiles pero incorrectas.', 'Mantenga revisión humana y verifique los hechos con fuentes fiables antes de usar el texto.'],
      ['Sesgo: estereotipos y trato desigual aprendidos de datos de entrenamiento a escala web.', 'Evalúe las salidas en los grupos relevantes para el caso de uso y documente los resultados; evite usos que afecten a personas.'],
      ['Salida tóxica u ofensiva.', 'Filtre prompts y salidas con un paso de moderación y registre los casos marcados.'],
      ['Filtración de datos de entrenamiento: puede reproducir texto memorizado, incluso datos personales.', 'No lo use en tareas que puedan exponer datos personales; filtre la salida en busca de información personal.'],
      ['Inyección de prompts: instrucciones ocultas en la entrada pueden dirigir el modelo.', 'Trate la salida como no confiable; nunca deje que dispare acciones o llegue a sistemas sin validación.'],
    ],
  },
};

/** The card's title: the Hub id, else the folder's name, else the registered name. */
function generativeModelName(facts: GenerativeModelFacts): string {
  return facts.sourceModel ?? facts.folderName ?? facts.registeredName;
}

/** The Hub metadata of a text-generation model (what MCT has no field for). */
export function generativeCardExtras(facts: GenerativeModelFacts, readme: { datasets?: string[]; languages?: string[]; tags?: string[] } = {}): CardExtras {
  const base = facts.baseModel;
  return {
    hub: {
      library_name: 'transformers',
      pipeline_tag: 'text-generation',
      tags: ['text-generation', ...(readme.tags ?? [])],
      ...(readme.datasets && readme.datasets.length > 0 ? { datasets: readme.datasets } : {}),
      ...(readme.languages && readme.languages.length > 0 ? { language: readme.languages } : {}),
      ...(base ? { base_model: base } : {}),
    },
  };
}

const descriptions = (items: string[]) => items.map((description) => ({ description }));

/** Defaults for a text-generation model's card; evaluation comes only from user-supplied metrics. */
export function generativeCardDefaults(lang: Lang, facts: GenerativeModelFacts): ModelCard {
  const texts = TEXTS[lang];
  return {
    model_details: {
      name: generativeModelName(facts),
      overview: texts.overview,
      ...(facts.license ? { licenses: [licenseFromText(facts.license)] } : {}),
      ...(facts.sourceModel && /^[\w.-]+(\/[\w.-]+)?$/.test(facts.sourceModel)
        ? { references: [{ reference: `https://huggingface.co/${facts.sourceModel}` }] }
        : {}),
    },
    model_parameters: { model_architecture: texts.architecture(facts), input_format: texts.input, output_format: texts.output },
    considerations: {
      users: descriptions(texts.users),
      use_cases: descriptions(texts.useCases),
      limitations: descriptions([...texts.limitations, texts.outOfScope]),
      tradeoffs: descriptions(texts.tradeoffs),
      ethical_considerations: texts.risks.map(([name, mitigation_strategy]) => ({ name, mitigation_strategy })),
    },
  };
}
