import { z } from 'zod';

/**
 * Model Card Toolkit schema v0.0.2 as zod.
 *
 * Every object is strict because MCT's Python loader rejects unknown keys at every depth (the JSON
 * schema closes only the root). Keys are declared in the order of MCT's dataclasses, which is the
 * order `ModelCard.to_json()` writes them; the writer walks these shapes to reproduce it.
 * Every scalar is a string, metric values and confidence bounds included.
 */

export const MCT_SCHEMA_VERSION = '0.0.2';

const text = z.string();

/** Records the shape an item must have, so that an error can quote it to the user. */
function described<T extends z.ZodType>(schema: T, shape: string): T {
  return schema.meta({ shape });
}

export const ownerSchema = described(z.strictObject({ name: text.optional(), contact: text.optional() }), '{"name": string, "contact": string}');

export const versionSchema = described(
  z.strictObject({ name: text.optional(), date: text.optional(), diff: text.optional() }),
  '{"name": string, "date": string, "diff": string}',
);

export const licenseSchema = described(
  z
    .strictObject({ identifier: text.optional(), custom_text: text.optional() })
    .refine((license) => (license.identifier === undefined) !== (license.custom_text === undefined), {
      message:
        'a license needs exactly one of "identifier" (an SPDX id such as "Apache-2.0", or "proprietary") or "custom_text"',
    }),
  '{"identifier": string} or {"custom_text": string}',
);

export const referenceSchema = described(z.strictObject({ reference: text.optional() }), '{"reference": string}');

export const citationSchema = described(
  z.strictObject({ style: text.optional(), citation: text.optional() }),
  '{"style": string, "citation": string}',
);

export const modelDetailsSchema = z.strictObject({
  name: text.optional(),
  overview: text.optional(),
  documentation: text.optional(),
  owners: z.array(ownerSchema).optional(),
  version: versionSchema.optional(),
  licenses: z.array(licenseSchema).optional(),
  references: z.array(referenceSchema).optional(),
  citations: z.array(citationSchema).optional(),
  path: text.optional(),
});

export const graphicSchema = described(z.strictObject({ name: text.optional(), image: text.optional() }), '{"name": string, "image": base64 PNG string}');

export const graphicsCollectionSchema = described(
  z.strictObject({ description: text.optional(), collection: z.array(graphicSchema).optional() }),
  '{"description": string, "collection": [{"name": string, "image": string}]}',
);

export const sensitiveDataSchema = described(
  z.strictObject({ sensitive_data: z.array(text).optional() }),
  '{"sensitive_data": [string]}',
);

export const datasetSchema = described(
  z.strictObject({
    name: text.optional(),
    description: text.optional(),
    link: text.optional(),
    sensitive: sensitiveDataSchema.optional(),
    graphics: graphicsCollectionSchema.optional(),
  }),
  '{"name": string, "description": string, "link": string, "sensitive": {...}, "graphics": {...}}',
);

export const keyValSchema = described(z.strictObject({ key: text.optional(), value: text.optional() }), '{"key": string, "value": string}');

export const modelParametersSchema = z.strictObject({
  model_architecture: text.optional(),
  data: z.array(datasetSchema).optional(),
  input_format: text.optional(),
  input_format_map: z.array(keyValSchema).optional(),
  output_format: text.optional(),
  output_format_map: z.array(keyValSchema).optional(),
});

export const confidenceIntervalSchema = described(
  z.strictObject({ lower_bound: text.optional(), upper_bound: text.optional() }),
  '{"lower_bound": string, "upper_bound": string}',
);

export const performanceMetricSchema = described(
  z.strictObject({
    type: text.optional(),
    value: text.optional(),
    slice: text.optional(),
    confidence_interval: confidenceIntervalSchema.optional(),
  }),
  '{"type": string, "value": string, "slice": string, "confidence_interval": {...}}',
);

export const quantitativeAnalysisSchema = z.strictObject({
  performance_metrics: z.array(performanceMetricSchema).optional(),
  graphics: graphicsCollectionSchema.optional(),
});

const descriptionItem = () => described(z.strictObject({ description: text.optional() }), '{"description": string}');

export const riskSchema = described(
  z.strictObject({ name: text.optional(), mitigation_strategy: text.optional() }),
  '{"name": string, "mitigation_strategy": string}',
);

export const considerationsSchema = z.strictObject({
  users: z.array(descriptionItem()).optional(),
  use_cases: z.array(descriptionItem()).optional(),
  limitations: z.array(descriptionItem()).optional(),
  tradeoffs: z.array(descriptionItem()).optional(),
  ethical_considerations: z.array(riskSchema).optional(),
});

export const modelCardSchema = z.strictObject({
  model_details: modelDetailsSchema.optional(),
  model_parameters: modelParametersSchema.optional(),
  quantitative_analysis: quantitativeAnalysisSchema.optional(),
  considerations: considerationsSchema.optional(),
  schema_version: z.literal(MCT_SCHEMA_VERSION).optional(),
});

export type ModelCard = z.infer<typeof modelCardSchema>;
export type ModelDetails = z.infer<typeof modelDetailsSchema>;
export type Owner = z.infer<typeof ownerSchema>;
export type Version = z.infer<typeof versionSchema>;
export type License = z.infer<typeof licenseSchema>;
export type Reference = z.infer<typeof referenceSchema>;
export type Citation = z.infer<typeof citationSchema>;
export type ModelParameters = z.infer<typeof modelParametersSchema>;
export type Dataset = z.infer<typeof datasetSchema>;
export type KeyVal = z.infer<typeof keyValSchema>;
export type Graphic = z.infer<typeof graphicSchema>;
export type GraphicsCollection = z.infer<typeof graphicsCollectionSchema>;
export type QuantitativeAnalysis = z.infer<typeof quantitativeAnalysisSchema>;
export type PerformanceMetric = z.infer<typeof performanceMetricSchema>;
export type ConfidenceInterval = z.infer<typeof confidenceIntervalSchema>;
export type Considerations = z.infer<typeof considerationsSchema>;
export type Risk = z.infer<typeof riskSchema>;

/** The schema inside any `.optional()` wrappers; the card modules walk the schema tree with it. */
export function unwrapOptional(schema: z.ZodType): z.ZodType {
  let node = schema;
  while (node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
  return node;
}
